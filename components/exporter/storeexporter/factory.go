// Package storeexporter writes spans and log records, and the security
// alerts carried on them, into AgentStack's embedded store, idempotently.
package storeexporter

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// Type is the component type.
var Type = component.MustNewType("agentstack_store")

// NewFactory returns the exporter factory.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(Type, createDefaultConfig,
		exporter.WithTraces(createTraces, component.StabilityLevelAlpha),
		exporter.WithLogs(createLogs, component.StabilityLevelAlpha))
}

func createDefaultConfig() component.Config {
	return &Config{
		Store:         component.MustNewID("agentstack_store"),
		TimeoutConfig: exporterhelper.TimeoutConfig{Timeout: 30 * time.Second},
		RetryConfig:   configretry.NewDefaultBackOffConfig(),
		QueueConfig:   configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
	}
}

func options(c *Config, e *storeExporter) []exporterhelper.Option {
	return []exporterhelper.Option{
		exporterhelper.WithStart(e.start),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		exporterhelper.WithTimeout(c.TimeoutConfig),
		exporterhelper.WithRetry(c.RetryConfig),
		exporterhelper.WithQueue(c.QueueConfig),
	}
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	c := cfg.(*Config)
	e := newStoreExporter(c, set)
	return exporterhelper.NewTraces(ctx, set, cfg, e.pushTraces, options(c, e)...)
}

// Logs get their own exporter instance (and queue): the two signals are
// written in separate transactions anyway.
func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	e := newStoreExporter(c, set)
	return exporterhelper.NewLogs(ctx, set, cfg, e.pushLogs, options(c, e)...)
}
