package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/tests/harness"
)

// The shipped configuration, and every config in deploy/, must pass the
// binary's own validation; a broken one must fail with a useful message.
func TestConfigsValidate(t *testing.T) {
	bin := harness.Binary(t)
	configs := []string{filepath.Join(harness.RepoRoot(), "collector-config.yaml")}
	more, err := filepath.Glob(filepath.Join(harness.RepoRoot(), "deploy", "*.yaml"))
	require.NoError(t, err)
	for _, f := range more {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "\nservice:") {
			configs = append(configs, f)
		}
	}
	for _, cfg := range configs {
		t.Run(filepath.Base(cfg), func(t *testing.T) {
			out, err := exec.Command(bin, "validate", "--config", cfg).CombinedOutput()
			assert.NoError(t, err, "%s", out)
		})
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	src, err := os.ReadFile(configs[0])
	require.NoError(t, err)
	broken := strings.Replace(string(src), "    authenticator: apikeyauth\n", "    authenticator: apikeyauth\n    max_request_body_size: -5\n", 1)
	require.NotEqual(t, string(src), broken)
	require.NoError(t, os.WriteFile(bad, []byte(broken), 0o600))
	out, err := exec.Command(bin, "validate", "--config", bad).CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "max_request_body_size: must not be negative, got -5")
}
