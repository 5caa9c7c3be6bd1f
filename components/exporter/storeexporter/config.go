package storeexporter

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// Config of the store exporter.
type Config struct {
	// Store is the extension holding the database (agentstack_store).
	Store component.ID `mapstructure:"store"`

	TimeoutConfig exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	RetryConfig   configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`
	QueueConfig   configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if c.Store.Type().String() == "" {
		return errors.New("store: must name the store extension, e.g. agentstack_store")
	}
	return nil
}
