package redisfeedextension

import (
	"errors"
	"fmt"
	"time"

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter"
	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/redisclient"
)

// Config of the redisstream_feed extension.
type Config struct {
	redisclient.Config `mapstructure:",squash"`

	// SpanStream and AlertStream are the streams the redisstream exporter
	// writes (spans.ingest and alerts.live by default).
	SpanStream  string `mapstructure:"span_stream"`
	AlertStream string `mapstructure:"alert_stream"`
	// Block is how long one XREAD waits for new entries.
	Block time.Duration `mapstructure:"block"`
	// Count caps the entries one XREAD returns per stream.
	Count int64 `mapstructure:"count"`
	// Reconnect paces the retries after a connection error.
	Reconnect ReconnectConfig `mapstructure:"reconnect"`
	// DedupWindow is how many recent span and alert keys are remembered to
	// drop the copies an exporter retry adds (0 turns it off).
	DedupWindow int `mapstructure:"dedup_window"`
}

// ReconnectConfig is an exponential backoff.
type ReconnectConfig struct {
	InitialInterval time.Duration `mapstructure:"initial_interval"`
	MaxInterval     time.Duration `mapstructure:"max_interval"`
}

// Validate checks the configuration; each error names its field.
func (c *Config) Validate() error {
	errs := append([]error{c.Config.Validate()}, redisstreamexporter.ValidateStreams(c.SpanStream, c.AlertStream)...)
	if c.Block <= 0 {
		errs = append(errs, fmt.Errorf("block: must be positive, got %s", c.Block))
	}
	if c.Count <= 0 {
		errs = append(errs, fmt.Errorf("count: must be positive, got %d", c.Count))
	}
	if c.Reconnect.InitialInterval <= 0 {
		errs = append(errs, fmt.Errorf("reconnect.initial_interval: must be positive, got %s", c.Reconnect.InitialInterval))
	}
	if c.Reconnect.MaxInterval < c.Reconnect.InitialInterval {
		errs = append(errs, fmt.Errorf("reconnect.max_interval: must be at least reconnect.initial_interval, got %s", c.Reconnect.MaxInterval))
	}
	if c.DedupWindow < 0 {
		errs = append(errs, fmt.Errorf("dedup_window: must not be negative, got %d", c.DedupWindow))
	}
	return errors.Join(errs...)
}
