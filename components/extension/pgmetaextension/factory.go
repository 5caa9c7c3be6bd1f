// Package pgmetaextension serves AgentStack's metadata (users, projects,
// API key digests) from PostgreSQL, so that several gateways and API
// replicas share them. It resolves API keys for apikeyauth and provides
// the metadata store to the API.
package pgmetaextension

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
)

// Type is the component type.
var Type = component.MustNewType("agentstack_postgres")

// NewFactory returns the extension factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(Type, createDefaultConfig, create, component.StabilityLevelAlpha)
}

func createDefaultConfig() component.Config {
	return &Config{
		MaxConns:       10,
		MigrateOnStart: true,
		Bootstrap:      BootstrapConfig{ProjectName: "default"},
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newExtension(cfg.(*Config), set), nil
}
