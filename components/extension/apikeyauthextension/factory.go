// Package apikeyauthextension authenticates OTLP and native ingest requests
// by project API key and puts the project id in client.Info.Auth.
package apikeyauthextension

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
)

// Type is the component type.
var Type = component.MustNewType("apikeyauth")

// NewFactory returns the extension factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(Type, createDefaultConfig, create, component.StabilityLevelAlpha)
}

func createDefaultConfig() component.Config {
	return &Config{
		Store: component.MustNewID("agentstack_store"),
		Cache: CacheConfig{Size: 10000, TTL: 5 * time.Second, NegativeTTL: 2 * time.Second},
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newAuthenticator(cfg.(*Config), set.Logger), nil
}
