package chreaderextension

import (
	"errors"
	"strings"

	"go.opentelemetry.io/collector/config/configopaque"
)

// Config of the ClickHouse trace reader.
type Config struct {
	// DSN is a clickhouse:// URL whose path names the database holding the
	// exporter's tables and AgentStack's views (deploy/clickhouse). It
	// usually carries a password, so it is opaque; take it from the
	// environment: ${env:AGENTSTACK_CLICKHOUSE_DSN}.
	DSN configopaque.String `mapstructure:"dsn"`
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	dsn := string(c.DSN)
	if dsn == "" {
		return errors.New("dsn: must be set, e.g. clickhouse://agentstack:PASSWORD@clickhouse:9000/agentstack")
	}
	if !strings.HasPrefix(dsn, "clickhouse://") && !strings.HasPrefix(dsn, "tcp://") {
		return errors.New("dsn: must start with clickhouse:// (the native protocol)")
	}
	return nil
}
