package apikeyauthextension

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config of the API key authenticator.
type Config struct {
	// Store is the extension that resolves key digests to projects
	// (agentstack_store for the embedded default).
	Store component.ID `mapstructure:"store"`
	// Cache bounds how often the store is asked.
	Cache CacheConfig `mapstructure:"cache"`
}

// CacheConfig sizes the lookup cache. The TTLs bound how long a revoked or
// rotated key keeps working.
type CacheConfig struct {
	Size        int           `mapstructure:"size"`
	TTL         time.Duration `mapstructure:"ttl"`
	NegativeTTL time.Duration `mapstructure:"negative_ttl"`
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Store.Type().String() == "" {
		errs = append(errs, errors.New("store: must name the extension that holds the projects, e.g. agentstack_store"))
	}
	if c.Cache.Size < 0 {
		errs = append(errs, fmt.Errorf("cache.size: must not be negative, got %d", c.Cache.Size))
	}
	if c.Cache.TTL < 0 || c.Cache.TTL > time.Hour {
		errs = append(errs, fmt.Errorf("cache.ttl: must be between 0 and 1h, got %s", c.Cache.TTL))
	}
	if c.Cache.NegativeTTL < 0 || c.Cache.NegativeTTL > time.Hour {
		errs = append(errs, fmt.Errorf("cache.negative_ttl: must be between 0 and 1h, got %s", c.Cache.NegativeTTL))
	}
	return errors.Join(errs...)
}
