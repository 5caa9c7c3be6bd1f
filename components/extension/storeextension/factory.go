// Package storeextension serves AgentStack's embedded SQLite store to the
// other components (the store exporter, the auth extension, the API).
package storeextension

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
)

// Type is the component type.
var Type = component.MustNewType("agentstack_store")

// NewFactory returns the extension factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(Type, createDefaultConfig, create, component.StabilityLevelAlpha)
}

func createDefaultConfig() component.Config {
	return &Config{
		Path:        "./data/agentstack.db",
		BusyTimeout: 5 * time.Second,
		Bootstrap:   BootstrapConfig{Enabled: true, ProjectName: "default"},
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newStoreExtension(cfg.(*Config), set), nil
}
