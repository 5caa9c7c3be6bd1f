package costprocessor

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func ptr(v float64) *float64 { return &v }

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		id       component.ID
		expected *Config
	}{
		{id: component.MustNewID(typeStr), expected: &Config{CacheSize: 4096}},
		{
			id: component.MustNewIDWithName(typeStr, "overrides"),
			expected: &Config{
				CacheSize: 1024,
				Aliases:   map[string]string{"my-prod-gpt4o": "gpt-4o"},
				Models: []ModelPrice{
					{Model: "acme-internal-llm-v2", InputPerMTok: ptr(0.5), OutputPerMTok: ptr(1.5)},
					{Model: "gpt-4o", Provider: "azure", InputPerMTok: ptr(2), OutputPerMTok: ptr(8), CacheReadPerMTok: ptr(0.1)},
					{Model: "ft:gpt-4o-mini", Match: "prefix", InputPerMTok: ptr(0.3), OutputPerMTok: ptr(1.2)},
				},
				TokenAccounting: map[string]TokenAccounting{"anthropic": {CacheTokens: "separate"}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
			sub, err := cm.Sub(tc.id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))
			require.NoError(t, confmap.Validate(cfg))
			assert.Equal(t, tc.expected, cfg)
		})
	}
}

func TestValidateNamesTheBadField(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"negative cache", Config{CacheSize: -1}, "cache_size"},
		{"empty model", Config{Models: []ModelPrice{{InputPerMTok: ptr(1)}}}, "models[0].model"},
		{"no price", Config{Models: []ModelPrice{{Model: "m"}}}, "models[0]: at least one of input_per_mtok"},
		{"negative price", Config{Models: []ModelPrice{{Model: "m", InputPerMTok: ptr(1), OutputPerMTok: ptr(-2)}}}, "models[0].output_per_mtok"},
		{"bad match", Config{Models: []ModelPrice{{Model: "m", Match: "regex", InputPerMTok: ptr(1)}}}, "models[0].match"},
		{"empty alias target", Config{Aliases: map[string]string{"dep": " "}}, "aliases[dep]"},
		{"bad cache mode", Config{TokenAccounting: map[string]TokenAccounting{"anthropic": {CacheTokens: "maybe"}}}, "token_accounting[anthropic].cache_tokens"},
		{"bad reasoning mode", Config{TokenAccounting: map[string]TokenAccounting{"google": {ReasoningTokens: "x"}}}, "token_accounting[google].reasoning_tokens"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.NoError(t, (&Config{}).Validate())
}
