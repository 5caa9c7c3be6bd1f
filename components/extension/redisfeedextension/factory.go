// Package redisfeedextension is the live feed for API replicas: it follows
// the redisstream exporter's streams with XREAD and republishes every span
// and alert into an in-process livefeed hub, as the embedded store does.
package redisfeedextension

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter"
	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/redisclient"
)

// Type is the component type.
var Type = component.MustNewType("redisstream_feed")

// NewFactory returns the extension factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(Type, createDefaultConfig, create, component.StabilityLevelAlpha)
}

func createDefaultConfig() component.Config {
	return &Config{
		Config:      redisclient.NewDefaultConfig(),
		SpanStream:  redisstreamexporter.DefaultSpanStream,
		AlertStream: redisstreamexporter.DefaultAlertStream,
		Block:       2 * time.Second,
		Count:       512,
		Reconnect:   ReconnectConfig{InitialInterval: 100 * time.Millisecond, MaxInterval: 5 * time.Second},
		DedupWindow: 10000,
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newFeed(cfg.(*Config), set), nil
}
