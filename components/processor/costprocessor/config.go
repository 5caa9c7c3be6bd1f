package costprocessor

import (
	"errors"
	"fmt"
	"strings"
)

// Config configures the cost processor. The zero value prices every model
// in the embedded snapshot with the default token accounting.
type Config struct {
	// CacheSize bounds the memo of model-string → price lookups, so the hot
	// path does not re-run the matcher. Default 4096.
	CacheSize int `mapstructure:"cache_size"`

	// Models add prices for models the snapshot lacks (custom, fine-tuned)
	// or replace its prices (negotiated discounts). They are checked before
	// the snapshot.
	Models []ModelPrice `mapstructure:"models"`

	// Aliases map a model string to the model it stands for, e.g. an Azure
	// OpenAI deployment name to the model deployed under it. The target is
	// then priced as usual, overrides included.
	Aliases map[string]string `mapstructure:"aliases"`

	// TokenAccounting overrides, per provider, how cache and reasoning
	// counts relate to the input and output counts (see README).
	TokenAccounting map[string]TokenAccounting `mapstructure:"token_accounting"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// ModelPrice is one configured price, in USD per million tokens.
type ModelPrice struct {
	// Model is the model string to price, compared case-insensitively with
	// the string as sent and once cleaned of provider prefixes.
	Model string `mapstructure:"model"`
	// Match is "exact" (default) or "prefix".
	Match string `mapstructure:"match"`
	// Provider limits the price to spans of this provider (optional).
	Provider string `mapstructure:"provider"`

	InputPerMTok      *float64 `mapstructure:"input_per_mtok"`
	OutputPerMTok     *float64 `mapstructure:"output_per_mtok"`
	CacheReadPerMTok  *float64 `mapstructure:"cache_read_per_mtok"`
	CacheWritePerMTok *float64 `mapstructure:"cache_write_per_mtok"`
	ReasoningPerMTok  *float64 `mapstructure:"reasoning_per_mtok"`
}

// TokenAccounting says, for one provider, whether cache counts are inside
// the input count and reasoning counts inside the output count.
type TokenAccounting struct {
	// CacheTokens is "auto" (default), "included" or "separate".
	CacheTokens string `mapstructure:"cache_tokens"`
	// ReasoningTokens is "auto" (default), "included" or "separate".
	ReasoningTokens string `mapstructure:"reasoning_tokens"`
}

var accountingModes = map[string]bool{"": true, "auto": true, "included": true, "separate": true}

// Validate checks the configuration.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.CacheSize < 0 {
		errs = append(errs, fmt.Errorf("cache_size: must not be negative, got %d", cfg.CacheSize))
	}
	for i, m := range cfg.Models {
		field := fmt.Sprintf("models[%d]", i)
		if strings.TrimSpace(m.Model) == "" {
			errs = append(errs, fmt.Errorf("%s.model: must not be empty", field))
		}
		switch m.Match {
		case "", "exact", "prefix":
		default:
			errs = append(errs, fmt.Errorf("%s.match: must be \"exact\" or \"prefix\", got %q", field, m.Match))
		}
		if m.InputPerMTok == nil && m.OutputPerMTok == nil {
			errs = append(errs, fmt.Errorf("%s: at least one of input_per_mtok and output_per_mtok must be set", field))
		}
		for name, v := range map[string]*float64{
			"input_per_mtok":       m.InputPerMTok,
			"output_per_mtok":      m.OutputPerMTok,
			"cache_read_per_mtok":  m.CacheReadPerMTok,
			"cache_write_per_mtok": m.CacheWritePerMTok,
			"reasoning_per_mtok":   m.ReasoningPerMTok,
		} {
			if v != nil && !(*v >= 0) {
				errs = append(errs, fmt.Errorf("%s.%s: must be a non-negative number, got %v", field, name, *v))
			}
		}
	}
	for k, v := range cfg.Aliases {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, errors.New("aliases: model names must not be empty"))
		}
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("aliases[%s]: target model must not be empty", k))
		}
	}
	for p, acc := range cfg.TokenAccounting {
		if strings.TrimSpace(p) == "" {
			errs = append(errs, errors.New("token_accounting: provider names must not be empty"))
		}
		if !accountingModes[acc.CacheTokens] {
			errs = append(errs, fmt.Errorf("token_accounting[%s].cache_tokens: must be auto, included or separate, got %q", p, acc.CacheTokens))
		}
		if !accountingModes[acc.ReasoningTokens] {
			errs = append(errs, fmt.Errorf("token_accounting[%s].reasoning_tokens: must be auto, included or separate, got %q", p, acc.ReasoningTokens))
		}
	}
	return errors.Join(errs...)
}
