package agentstackreceiver

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
)

// Config of the agentstack receiver.
type Config struct {
	confighttp.ServerConfig `mapstructure:",squash"`
	// Authenticator is the server authenticator extension (apikeyauth)
	// that maps each request's key to a project. It applies to the ingest
	// paths only, so /health and /ready stay open to probes.
	Authenticator component.ID `mapstructure:"authenticator"`
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.NetAddr.Endpoint == "" {
		errs = append(errs, errors.New("endpoint: must be host:port, e.g. 0.0.0.0:4318"))
	}
	if c.Authenticator.Type().String() == "" {
		errs = append(errs, errors.New("authenticator: must name the apikeyauth extension; spans without a project cannot be stored"))
	}
	if c.MaxRequestBodySize < 0 {
		errs = append(errs, fmt.Errorf("max_request_body_size: must not be negative, got %d", c.MaxRequestBodySize))
	}
	if c.Auth.HasValue() {
		errs = append(errs, errors.New("auth: use the receiver's authenticator setting instead, so that 401s are JSON and probes stay open"))
	}
	return errors.Join(errs...)
}
