package securityprocessor // import "github.com/agentstack/agentstack/components/processor/securityprocessor"

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/detect"
)

// Action is what the processor does with a span that has a finding.
type Action string

// Actions.
const (
	ActionAlert  Action = "alert"
	ActionRedact Action = "redact"
	ActionDrop   Action = "drop"
)

func (a Action) valid() bool { return a == ActionAlert || a == ActionRedact || a == ActionDrop }

// rank orders actions so that the strongest one configured for a rule wins.
func (a Action) rank() int {
	switch a {
	case ActionDrop:
		return 2
	case ActionRedact:
		return 1
	}
	return 0
}

// Config is the security processor's configuration.
type Config struct {
	Injection InjectionConfig `mapstructure:"injection"`
	PII       FamilyConfig    `mapstructure:"pii"`
	Secrets   FamilyConfig    `mapstructure:"secrets"`
	Anomaly   AnomalyConfig   `mapstructure:"anomaly"`

	// CustomRules are extra regexes reported as type "custom".
	CustomRules []CustomRule `mapstructure:"custom_rules"`
	// AllowList holds values that are never findings.
	AllowList AllowList `mapstructure:"allow_list"`
	// RuleActions overrides the family action for single rules, by rule id
	// (e.g. "pii.email": alert).
	RuleActions map[string]Action `mapstructure:"rule_actions"`
	// DisabledRules lists rule ids that never report.
	DisabledRules []string `mapstructure:"disabled_rules"`
	// MaxValueBytes bounds how much of one attribute value is scanned.
	MaxValueBytes int `mapstructure:"max_value_bytes"`
}

// FamilyConfig switches a rule family and sets its action.
type FamilyConfig struct {
	Enabled bool   `mapstructure:"enabled"`
	Action  Action `mapstructure:"action"`
}

// InjectionConfig configures prompt-injection detection.
type InjectionConfig struct {
	Enabled bool   `mapstructure:"enabled"`
	Action  Action `mapstructure:"action"`
	// Threshold is the score (1–100) from which a text is reported.
	Threshold int `mapstructure:"threshold"`
}

// AnomalyConfig configures the statistical rules.
type AnomalyConfig struct {
	Enabled bool   `mapstructure:"enabled"`
	Action  Action `mapstructure:"action"`
	// ZScore is how many standard deviations above the series mean flags.
	ZScore float64 `mapstructure:"z_score"`
	// Warmup is the number of spans a series needs before it can flag.
	Warmup int `mapstructure:"warmup"`
	// MaxSeries bounds the (project, span name) series held in memory.
	MaxSeries int `mapstructure:"max_series"`
	// MinRelativeStddev floors the deviation at this fraction of the mean.
	MinRelativeStddev float64          `mapstructure:"min_relative_stddev"`
	ErrorBurst        ErrorBurstConfig `mapstructure:"error_burst"`
}

// ErrorBurstConfig flags a project whose error fraction in a sliding window
// passes Threshold once the window holds MinCount spans.
type ErrorBurstConfig struct {
	Enabled   bool          `mapstructure:"enabled"`
	Window    time.Duration `mapstructure:"window"`
	Threshold float64       `mapstructure:"threshold"`
	MinCount  int           `mapstructure:"min_count"`
}

// CustomRule is a named regex with a severity.
type CustomRule struct {
	Name     string `mapstructure:"name"`
	Pattern  string `mapstructure:"pattern"`
	Severity string `mapstructure:"severity"`
	Action   Action `mapstructure:"action"`
}

// AllowList holds literal values and regexes (matched against the whole
// finding) that are never reported.
type AllowList struct {
	Values   []string `mapstructure:"values"`
	Patterns []string `mapstructure:"patterns"`
}

func createDefaultConfig() *Config {
	return &Config{
		Injection: InjectionConfig{Enabled: true, Action: ActionAlert, Threshold: 50},
		PII:       FamilyConfig{Enabled: true, Action: ActionAlert},
		Secrets:   FamilyConfig{Enabled: true, Action: ActionRedact},
		Anomaly: AnomalyConfig{
			Enabled: true, Action: ActionAlert, ZScore: 3, Warmup: 30, MaxSeries: 10000, MinRelativeStddev: 0.05,
			ErrorBurst: ErrorBurstConfig{Enabled: true, Window: time.Minute, Threshold: 0.5, MinCount: 20},
		},
		MaxValueBytes: 64 * 1024,
	}
}

var customNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// Validate checks the configuration; each error names the offending field.
func (c *Config) Validate() error {
	var errs []error
	checkAction := func(field string, a Action, allowRedact bool) {
		if a == "" {
			return
		}
		if !a.valid() {
			errs = append(errs, fmt.Errorf("%s: unknown action %q (want alert, redact or drop)", field, a))
		} else if a == ActionRedact && !allowRedact {
			errs = append(errs, fmt.Errorf("%s: action redact does not apply to anomalies (no text to mask)", field))
		}
	}
	checkAction("injection.action", c.Injection.Action, true)
	checkAction("pii.action", c.PII.Action, true)
	checkAction("secrets.action", c.Secrets.Action, true)
	checkAction("anomaly.action", c.Anomaly.Action, false)
	if c.Injection.Threshold < 1 || c.Injection.Threshold > 100 {
		errs = append(errs, fmt.Errorf("injection.threshold: %d is outside 1–100", c.Injection.Threshold))
	}
	a := c.Anomaly
	if !(a.ZScore > 0) {
		errs = append(errs, fmt.Errorf("anomaly.z_score: %v must be greater than 0", a.ZScore))
	}
	if a.Warmup < 2 {
		errs = append(errs, fmt.Errorf("anomaly.warmup: %d must be at least 2", a.Warmup))
	}
	if a.MaxSeries < 1 {
		errs = append(errs, fmt.Errorf("anomaly.max_series: %d must be at least 1", a.MaxSeries))
	}
	if a.MinRelativeStddev < 0 {
		errs = append(errs, fmt.Errorf("anomaly.min_relative_stddev: %v must not be negative", a.MinRelativeStddev))
	}
	if eb := a.ErrorBurst; eb.Enabled {
		if eb.Window < time.Second {
			errs = append(errs, fmt.Errorf("anomaly.error_burst.window: %v must be at least 1s", eb.Window))
		}
		if !(eb.Threshold > 0 && eb.Threshold <= 1) {
			errs = append(errs, fmt.Errorf("anomaly.error_burst.threshold: %v must be in (0, 1]", eb.Threshold))
		}
		if eb.MinCount < 1 {
			errs = append(errs, fmt.Errorf("anomaly.error_burst.min_count: %d must be at least 1", eb.MinCount))
		}
	}
	if c.MaxValueBytes < 0 {
		errs = append(errs, fmt.Errorf("max_value_bytes: %d must not be negative", c.MaxValueBytes))
	}
	names := map[string]bool{}
	for i, r := range c.CustomRules {
		field := fmt.Sprintf("custom_rules[%d]", i)
		if !customNameRe.MatchString(r.Name) {
			errs = append(errs, fmt.Errorf("%s.name: %q must be lower-case letters, digits, '_', '.' or '-'", field, r.Name))
		} else if names[r.Name] {
			errs = append(errs, fmt.Errorf("%s.name: %q is used twice", field, r.Name))
		}
		names[r.Name] = true
		if r.Pattern == "" {
			errs = append(errs, fmt.Errorf("%s.pattern (%s): must not be empty", field, r.Name))
		} else if _, err := regexp.Compile(r.Pattern); err != nil {
			errs = append(errs, fmt.Errorf("%s.pattern (%s): %w", field, r.Name, err))
		}
		if r.Severity != "" {
			if _, ok := detect.ParseSeverity(r.Severity); !ok {
				errs = append(errs, fmt.Errorf("%s.severity (%s): unknown severity %q (want low, medium, high or critical)", field, r.Name, r.Severity))
			}
		}
		checkAction(field+".action", r.Action, true)
	}
	for i, p := range c.AllowList.Patterns {
		if _, err := regexp.Compile(p); err != nil {
			errs = append(errs, fmt.Errorf("allow_list.patterns[%d]: %w", i, err))
		}
	}
	known := func(rule string) bool {
		return slices.Contains(detect.Rules(), rule) || slices.Contains(anomalyRules, rule) ||
			(len(rule) > 7 && rule[:7] == "custom." && names[rule[7:]])
	}
	for rule, act := range c.RuleActions {
		if !known(rule) {
			errs = append(errs, fmt.Errorf("rule_actions: unknown rule %q", rule))
		}
		checkAction("rule_actions."+rule, act, detect.RuleType(rule) != detect.TypeAnomaly)
	}
	for _, rule := range c.DisabledRules {
		if !known(rule) {
			errs = append(errs, fmt.Errorf("disabled_rules: unknown rule %q", rule))
		}
	}
	return errors.Join(errs...)
}
