// Package redisclient holds the connection settings shared by the
// redisstream exporter and the redisstream_feed extension (endpoint, AUTH,
// TLS) and builds go-redis clients from them.
package redisclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configtls"
)

// DefaultEndpoint is where a local Redis listens.
const DefaultEndpoint = "localhost:6379"

// Config says how to reach and authenticate to Redis.
type Config struct {
	// Endpoint is host:port.
	Endpoint string `mapstructure:"endpoint"`
	// Username selects a Redis 6+ ACL user; empty means "default".
	Username string `mapstructure:"username"`
	// Password is sent with AUTH; it is never logged.
	Password configopaque.String `mapstructure:"password"`
	// DB is the logical database (SELECT), 0 by default.
	DB int `mapstructure:"db"`
	// TLS is off by default (insecure: true); set insecure: false, or a
	// ca_file, to use it.
	TLS configtls.ClientConfig `mapstructure:"tls"`
	// DialTimeout bounds each connection attempt.
	DialTimeout time.Duration `mapstructure:"dial_timeout"`
}

// NewDefaultConfig is a plaintext connection to localhost:6379.
func NewDefaultConfig() Config {
	return Config{
		Endpoint:    DefaultEndpoint,
		TLS:         configtls.ClientConfig{Insecure: true},
		DialTimeout: 5 * time.Second,
	}
}

// Validate returns one error per bad field, each naming it.
func (c *Config) Validate() error {
	var errs []error
	if c.Endpoint == "" {
		errs = append(errs, errors.New("endpoint: must be host:port, e.g. localhost:6379"))
	} else if _, port, err := net.SplitHostPort(c.Endpoint); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("endpoint: must be host:port, got %q", c.Endpoint))
	}
	if c.DB < 0 {
		errs = append(errs, fmt.Errorf("db: must not be negative, got %d", c.DB))
	}
	if c.DialTimeout < 0 {
		errs = append(errs, fmt.Errorf("dial_timeout: must not be negative, got %s", c.DialTimeout))
	}
	if c.Username != "" && c.Password == "" {
		errs = append(errs, errors.New("password: must be set when username is set"))
	}
	if err := c.TLS.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("tls: %w", err))
	}
	return errors.Join(errs...)
}

// NewClient builds a client; it does not connect yet. maxRetries is
// go-redis's own per-command retry count (-1 disables it, for callers that
// retry themselves).
func (c *Config) NewClient(ctx context.Context, maxRetries int) (*redis.Client, error) {
	tlsCfg, err := c.TLS.LoadTLSConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	return redis.NewClient(&redis.Options{
		Addr:        c.Endpoint,
		Username:    c.Username,
		Password:    string(c.Password),
		DB:          c.DB,
		TLSConfig:   tlsCfg,
		DialTimeout: c.DialTimeout,
		MaxRetries:  maxRetries,
		// Stream commands only: no client name handshake that an older or
		// proxied server might refuse, and no cluster maintenance push
		// notifications.
		DisableIdentity:          true,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	}), nil
}

// IsAuthError reports whether Redis refused the credentials (or asked for
// some): retrying will not help until the configuration changes.
func IsAuthError(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"WRONGPASS", "NOAUTH", "ERR AUTH", "ERR invalid password", "invalid username-password"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// Describe wraps err with what was being done and, for an AUTH refusal, says
// so plainly. The password is never part of the message.
func (c *Config) Describe(err error, doing string) error {
	if IsAuthError(err) {
		user := c.Username
		if user == "" {
			user = "default"
		}
		hint := "check username and password"
		if c.Password == "" {
			hint = "the server requires a password: set password"
		}
		return fmt.Errorf("redis authentication failed at %s as user %q (%s): %w", c.Endpoint, user, hint, err)
	}
	return fmt.Errorf("%s at %s: %w", doing, c.Endpoint, err)
}
