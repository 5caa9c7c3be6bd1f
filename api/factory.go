// Package api is the agentstack_api extension: AgentStack's REST API, the
// WebSocket live feed of stored spans and alerts, and the dashboard, served
// on one port (:8000 by default) from the embedded store.
package api

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
)

// Type is the component type.
var Type = component.MustNewType("agentstack_api")

// NewFactory returns the extension factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(Type, createDefaultConfig, create, component.StabilityLevelAlpha)
}

func createDefaultConfig() component.Config {
	return &Config{
		Store:              component.MustNewID("agentstack_store"),
		Endpoint:           "0.0.0.0:8000",
		JWTSecretFile:      "./data/jwt-secret",
		TokenTTL:           7 * 24 * time.Hour,
		AllowRegistration:  true,
		AuthRateLimit:      10,
		CORSAllowedOrigins: []string{"http://localhost:5173"},
		WebSocket:          WebSocketConfig{PingInterval: 30 * time.Second, SendBuffer: 256},
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newExtension(cfg.(*Config), set), nil
}
