package api

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/agentstack/agentstack/api/internal/auth"
)

// Config of the agentstack_api extension.
type Config struct {
	// Store is the extension holding the database (agentstack_store); it
	// also provides the live feed.
	Store component.ID `mapstructure:"store"`
	// Metadata, when set, names the extension holding users, projects and
	// API keys (agentstack_postgres); traces are still read from Store.
	// When empty, Store holds the metadata too.
	Metadata component.ID `mapstructure:"metadata"`
	// Traces, when set, names the extension that reads traces, spans,
	// alerts and costs (agentstack_clickhouse); when empty, Store does.
	// With both Metadata and Traces set, Store is not needed.
	Traces component.ID `mapstructure:"traces"`
	// LiveFeed is the extension whose feed /ws/traces follows. Empty means
	// the store extension's own, in-process feed; redisstream_feed follows
	// the Redis streams, so that every API replica sees every span and alert.
	LiveFeed component.ID `mapstructure:"live_feed"`
	// Endpoint is the listen address of the API, the WebSocket and the
	// dashboard.
	Endpoint string `mapstructure:"endpoint"`
	// JWTSecret signs login tokens. When empty, JWTSecretFile is used.
	JWTSecret configopaque.String `mapstructure:"jwt_secret"`
	// JWTSecretFile holds the secret; it is created with 32 random bytes
	// (mode 0600) when it does not exist, so a fresh install is safe by
	// default and tokens survive restarts.
	JWTSecretFile string `mapstructure:"jwt_secret_file"`
	// TokenTTL is how long a login token is valid.
	TokenTTL time.Duration `mapstructure:"token_ttl"`
	// AllowRegistration lets anybody register; when false only the first
	// user (who becomes admin) can.
	AllowRegistration bool `mapstructure:"allow_registration"`
	// AuthRateLimit is the number of login and register requests allowed
	// per client address and minute.
	AuthRateLimit int `mapstructure:"auth_rate_limit"`
	// CORSAllowedOrigins may call the API from a browser (the dashboard's
	// dev server).
	CORSAllowedOrigins []string `mapstructure:"cors_allowed_origins"`
	// DevMode accepts a missing or weak JWT secret (a random one is used
	// for the life of the process). Never in production.
	DevMode bool `mapstructure:"dev_mode"`
	// WebSocket tunes the live feed.
	WebSocket WebSocketConfig `mapstructure:"websocket"`
}

// WebSocketConfig tunes /ws/traces.
type WebSocketConfig struct {
	// PingInterval is how often the server pings each client; a client
	// that does not answer within the same interval is disconnected.
	PingInterval time.Duration `mapstructure:"ping_interval"`
	// SendBuffer is how many events may wait for a client; a client that
	// falls further behind is disconnected rather than slowing ingestion.
	SendBuffer int `mapstructure:"send_buffer"`
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Store.Type().String() == "" && (c.Metadata.Type().String() == "" || c.Traces.Type().String() == "") {
		errs = append(errs, errors.New("store: must name the store extension, e.g. agentstack_store (only metadata and traces together replace it)"))
	}
	if _, _, err := net.SplitHostPort(c.Endpoint); err != nil {
		errs = append(errs, fmt.Errorf("endpoint: must be host:port, got %q: %w", c.Endpoint, err))
	}
	if c.TokenTTL <= 0 {
		errs = append(errs, fmt.Errorf("token_ttl: must be positive, got %s", c.TokenTTL))
	}
	if c.AuthRateLimit <= 0 {
		errs = append(errs, fmt.Errorf("auth_rate_limit: must be positive, got %d", c.AuthRateLimit))
	}
	if c.WebSocket.PingInterval <= 0 {
		errs = append(errs, fmt.Errorf("websocket.ping_interval: must be positive, got %s", c.WebSocket.PingInterval))
	}
	if c.WebSocket.SendBuffer <= 0 {
		errs = append(errs, fmt.Errorf("websocket.send_buffer: must be positive, got %d", c.WebSocket.SendBuffer))
	}
	for _, o := range c.CORSAllowedOrigins {
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("cors_allowed_origins: %q must be an origin such as http://localhost:5173", o))
		}
	}
	if !c.DevMode {
		switch {
		case string(c.JWTSecret) != "":
			if err := auth.CheckSecret(string(c.JWTSecret)); err != nil {
				errs = append(errs, fmt.Errorf("jwt_secret: %w (generate one with `openssl rand -hex 32`, or set dev_mode: true for local experiments)", err))
			}
		case c.JWTSecretFile == "":
			errs = append(errs, errors.New("jwt_secret: no JWT signing secret: set jwt_secret or jwt_secret_file (or dev_mode: true for local experiments)"))
		}
	}
	return errors.Join(errs...)
}
