// Package redisstreamexporter adds every span to a Redis stream
// (spans.ingest) and every security alert to another (alerts.live), so that
// any number of consumer groups and API replicas can follow them.
package redisstreamexporter

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/redisclient"
	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/streammsg"
)

// Type is the component type.
var Type = component.MustNewType("redisstream")

// Defaults of the streams, as in the seed.
const (
	DefaultSpanStream  = "spans.ingest"
	DefaultAlertStream = "alerts.live"
	DefaultSpanMaxLen  = 100000
	DefaultAlertMaxLen = 10000
)

// NewFactory returns the exporter factory.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(Type, createDefaultConfig,
		exporter.WithTraces(createTraces, component.StabilityLevelAlpha))
}

func createDefaultConfig() component.Config {
	return &Config{
		Config:        redisclient.NewDefaultConfig(),
		SpanStream:    DefaultSpanStream,
		SpanMaxLen:    DefaultSpanMaxLen,
		AlertStream:   DefaultAlertStream,
		AlertMaxLen:   DefaultAlertMaxLen,
		Format:        streammsg.FormatJSON,
		TimeoutConfig: exporterhelper.TimeoutConfig{Timeout: 10 * time.Second},
		RetryConfig:   configretry.NewDefaultBackOffConfig(),
		QueueConfig:   configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
	}
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	c := cfg.(*Config)
	e := newRedisExporter(c, set)
	return exporterhelper.NewTraces(ctx, set, cfg, e.pushTraces,
		exporterhelper.WithStart(e.start),
		exporterhelper.WithShutdown(e.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		exporterhelper.WithTimeout(c.TimeoutConfig),
		exporterhelper.WithRetry(c.RetryConfig),
		exporterhelper.WithQueue(c.QueueConfig),
	)
}
