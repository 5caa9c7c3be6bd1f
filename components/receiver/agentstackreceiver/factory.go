// Package agentstackreceiver receives spans on POST /v1/traces in the
// native AgentStack JSON format and as OTLP (protobuf or JSON) on the same
// path, authenticates them by API key and stamps their project.
package agentstackreceiver

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"
)

// Type is the component type.
var Type = component.MustNewType("agentstack")

// DefaultMaxRequestBodySize is the largest body accepted (compressed or
// not); a larger one gets 413.
const DefaultMaxRequestBodySize = 5 << 20

// NewFactory returns the receiver factory.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(Type, createDefaultConfig,
		receiver.WithTraces(createTraces, component.StabilityLevelAlpha))
}

func createDefaultConfig() component.Config {
	srv := confighttp.NewDefaultServerConfig()
	srv.NetAddr.Endpoint = "localhost:4318"
	srv.MaxRequestBodySize = DefaultMaxRequestBodySize
	return &Config{ServerConfig: srv, Authenticator: component.MustNewID("apikeyauth")}
}

func createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	return newReceiver(cfg.(*Config), set, next)
}
