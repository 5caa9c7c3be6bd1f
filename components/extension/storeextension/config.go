package storeextension

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/agentstack/agentstack/internal/apikey"
)

// Config of the embedded SQLite store.
type Config struct {
	// Path of the SQLite file; its directory is created when missing.
	Path string `mapstructure:"path"`
	// BusyTimeout is how long a write waits for a lock held by another
	// process before failing (and being retried by the exporter).
	BusyTimeout time.Duration `mapstructure:"busy_timeout"`
	// MaxSizeMiB caps the database file (0: no cap, the default): past it
	// writes fail as on a full disk, the exporter logs and retries them
	// from its persistent queue, and ingest goes on until the queue is full.
	MaxSizeMiB int `mapstructure:"max_size_mib"`
	// Bootstrap creates a first project on an empty database so that a
	// fresh install can receive spans at once.
	Bootstrap BootstrapConfig `mapstructure:"bootstrap"`
}

// BootstrapConfig says how the first project is made.
type BootstrapConfig struct {
	// Enabled turns the bootstrap on.
	Enabled bool `mapstructure:"enabled"`
	// ProjectName names the bootstrap project.
	ProjectName string `mapstructure:"project_name"`
	// APIKey, when set, is the bootstrap project's key (for scripted
	// installs); when empty a random key is generated and printed once.
	APIKey configopaque.String `mapstructure:"api_key"`
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Path == "" {
		errs = append(errs, errors.New("path: must name the SQLite file, e.g. ./data/agentstack.db"))
	}
	if c.MaxSizeMiB < 0 {
		errs = append(errs, fmt.Errorf("max_size_mib: must not be negative, got %d", c.MaxSizeMiB))
	}
	if c.BusyTimeout < 0 {
		errs = append(errs, fmt.Errorf("busy_timeout: must not be negative, got %s", c.BusyTimeout))
	}
	if c.Bootstrap.Enabled && c.Bootstrap.ProjectName == "" {
		errs = append(errs, errors.New("bootstrap.project_name: must not be empty when bootstrap is enabled"))
	}
	if k := string(c.Bootstrap.APIKey); k != "" {
		if err := apikey.Validate(k); err != nil {
			errs = append(errs, fmt.Errorf("bootstrap.api_key: %w", err))
		}
	}
	return errors.Join(errs...)
}
