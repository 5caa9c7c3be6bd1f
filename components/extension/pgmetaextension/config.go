package pgmetaextension

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/agentstack/agentstack/internal/apikey"
)

// Config of the PostgreSQL metadata store.
type Config struct {
	// DSN is a postgres:// URL or key=value connection string. It usually
	// carries a password, so it is opaque (masked when the config is
	// printed); take it from the environment: ${env:AGENTSTACK_POSTGRES_DSN}.
	DSN configopaque.String `mapstructure:"dsn"`
	// MaxConns bounds the connection pool of this collector.
	MaxConns int32 `mapstructure:"max_conns"`
	// MigrateOnStart applies pending schema migrations at start (under an
	// advisory lock, so replicas starting together are safe). Turn it off
	// where migrations run as a separate step (agentstack-migrate).
	MigrateOnStart bool `mapstructure:"migrate_on_start"`
	// Bootstrap creates a project with a known key on an empty database,
	// for scripted installs.
	Bootstrap BootstrapConfig `mapstructure:"bootstrap"`
}

// BootstrapConfig makes a first project with a key from the config.
type BootstrapConfig struct {
	// ProjectName names the project (default "default").
	ProjectName string `mapstructure:"project_name"`
	// APIKey, when set, is made to resolve to a project (created, unowned,
	// when no project has it; the first user to register adopts it).
	APIKey configopaque.String `mapstructure:"api_key"`
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if string(c.DSN) == "" {
		errs = append(errs, errors.New("dsn: must be set, e.g. postgres://agentstack:PASSWORD@postgres:5432/agentstack"))
	} else if _, err := pgx.ParseConfig(string(c.DSN)); err != nil {
		// pgx's message may quote the DSN with its password: not repeated.
		errs = append(errs, errors.New("dsn: is not a valid postgres:// URL or key=value connection string"))
	}
	if c.MaxConns < 0 {
		errs = append(errs, fmt.Errorf("max_conns: must not be negative, got %d", c.MaxConns))
	}
	if k := string(c.Bootstrap.APIKey); k != "" {
		if err := apikey.Validate(k); err != nil {
			errs = append(errs, fmt.Errorf("bootstrap.api_key: %w", err))
		}
		if c.Bootstrap.ProjectName == "" {
			errs = append(errs, errors.New("bootstrap.project_name: must not be empty when bootstrap.api_key is set"))
		}
	}
	return errors.Join(errs...)
}
