// Package agentstackreceiver receives spans on POST /v1/traces in the
// native AgentStack JSON format and as OTLP (protobuf or JSON) on the same
// path, and OTLP log records on POST /v1/logs; it authenticates them by API
// key and stamps their project.
package agentstackreceiver

import (
	"context"
	"sync"

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

// NewFactory returns the receiver factory. The traces and logs pipelines
// that use one receiver configuration share one receiver (and its port).
func NewFactory() receiver.Factory {
	s := &shared{byConfig: make(map[*Config]*agentstackReceiver)}
	return receiver.NewFactory(Type, createDefaultConfig,
		receiver.WithTraces(s.createTraces, component.StabilityLevelAlpha),
		receiver.WithLogs(s.createLogs, component.StabilityLevelAlpha))
}

// shared hands out one receiver per configuration.
type shared struct {
	mu       sync.Mutex
	byConfig map[*Config]*agentstackReceiver
}

func (s *shared) get(cfg *Config, set receiver.Settings) (*agentstackReceiver, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.byConfig[cfg]; ok {
		return r, nil
	}
	r, err := newReceiver(cfg, set)
	if err != nil {
		return nil, err
	}
	r.onLast = func() {
		s.mu.Lock()
		delete(s.byConfig, cfg)
		s.mu.Unlock()
	}
	s.byConfig[cfg] = r
	return r, nil
}

func (s *shared) createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	r, err := s.get(cfg.(*Config), set)
	if err != nil {
		return nil, err
	}
	r.nextTraces = next
	return r, nil
}

func (s *shared) createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	r, err := s.get(cfg.(*Config), set)
	if err != nil {
		return nil, err
	}
	r.nextLogs = next
	return r, nil
}

func createDefaultConfig() component.Config {
	srv := confighttp.NewDefaultServerConfig()
	srv.NetAddr.Endpoint = "localhost:4318"
	srv.MaxRequestBodySize = DefaultMaxRequestBodySize
	return &Config{ServerConfig: srv, Authenticator: component.MustNewID("apikeyauth")}
}
