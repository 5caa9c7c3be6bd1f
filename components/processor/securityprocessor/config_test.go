package securityprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	custom := createDefaultConfig()
	custom.Injection = InjectionConfig{Enabled: true, Threshold: 60, Action: ActionRedact}
	custom.PII = FamilyConfig{Enabled: true, Action: ActionRedact}
	custom.Secrets = FamilyConfig{Enabled: true, Action: ActionDrop}
	custom.Anomaly = AnomalyConfig{
		Enabled: true, Action: ActionAlert, ZScore: 4, Warmup: 50, MaxSeries: 500, MinRelativeStddev: 0.05,
		ErrorBurst: ErrorBurstConfig{Enabled: true, Window: 2 * time.Minute, Threshold: 0.25, MinCount: 40},
	}
	custom.CustomRules = []CustomRule{{Name: "ticket_id", Pattern: `\bTCK-\d{6}\b`, Severity: "high", Action: ActionRedact}}
	custom.AllowList = AllowList{Values: []string{"support@example.com"}, Patterns: []string{`10\.\d+\.\d+\.\d+`}}
	custom.RuleActions = map[string]Action{"pii.ipv4": ActionAlert}
	custom.DisabledRules = []string{"pii.phone"}
	custom.MaxValueBytes = 32768

	for _, tt := range []struct {
		id   component.ID
		want *Config
	}{
		{component.NewID(componentType), createDefaultConfig()},
		{component.NewIDWithName(componentType, "custom"), custom},
	} {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
			sub, err := cm.Sub(tt.id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))
			require.NoError(t, confmap.Validate(cfg))
			assert.Equal(t, tt.want, cfg)
		})
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"threshold", func(c *Config) { c.Injection.Threshold = 0 }, "injection.threshold"},
		{"threshold high", func(c *Config) { c.Injection.Threshold = 101 }, "injection.threshold"},
		{"action", func(c *Config) { c.PII.Action = "mask" }, `pii.action: unknown action "mask"`},
		{"anomaly redact", func(c *Config) { c.Anomaly.Action = ActionRedact }, "anomaly.action"},
		{"z", func(c *Config) { c.Anomaly.ZScore = 0 }, "anomaly.z_score"},
		{"warmup", func(c *Config) { c.Anomaly.Warmup = 1 }, "anomaly.warmup"},
		{"max series", func(c *Config) { c.Anomaly.MaxSeries = 0 }, "anomaly.max_series"},
		{"burst threshold", func(c *Config) { c.Anomaly.ErrorBurst.Threshold = 1.5 }, "anomaly.error_burst.threshold"},
		{"burst window", func(c *Config) { c.Anomaly.ErrorBurst.Window = 0 }, "anomaly.error_burst.window"},
		{"bad regex", func(c *Config) {
			c.CustomRules = []CustomRule{{Name: "broken", Pattern: `(unclosed`}}
		}, "custom_rules[0].pattern (broken)"},
		{"bad name", func(c *Config) { c.CustomRules = []CustomRule{{Name: "Bad Name", Pattern: "x"}} }, "custom_rules[0].name"},
		{"duplicate name", func(c *Config) {
			c.CustomRules = []CustomRule{{Name: "a", Pattern: "x"}, {Name: "a", Pattern: "y"}}
		}, `custom_rules[1].name: "a" is used twice`},
		{"bad severity", func(c *Config) { c.CustomRules = []CustomRule{{Name: "a", Pattern: "x", Severity: "urgent"}} }, "custom_rules[0].severity (a)"},
		{"allow regex", func(c *Config) { c.AllowList.Patterns = []string{"[a-"} }, "allow_list.patterns[0]"},
		{"unknown rule action", func(c *Config) { c.RuleActions = map[string]Action{"pii.passport": ActionAlert} }, `rule_actions: unknown rule "pii.passport"`},
		{"unknown disabled", func(c *Config) { c.DisabledRules = []string{"nope"} }, `disabled_rules: unknown rule "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := createDefaultConfig()
			tt.mutate(c)
			assert.ErrorContains(t, c.Validate(), tt.want)
		})
	}
	ok := createDefaultConfig()
	ok.CustomRules = []CustomRule{{Name: "ticket", Pattern: `TCK-\d+`}}
	ok.RuleActions = map[string]Action{"custom.ticket": ActionRedact, "anomaly.duration": ActionDrop}
	ok.DisabledRules = []string{"injection.fake_role"}
	assert.NoError(t, ok.Validate())
}
