package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentstack/agentstack/tests/harness"
)

// TestPythonSDKAgentRun runs a nested agent run (agent -> plan -> llm ->
// tool) through the Python SDK against the running binary; the script
// checks parent links, project, GenAI attributes and cost in the store.
func TestPythonSDKAgentRun(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is needed for the SDK end-to-end test: %v", err)
	}
	c := harness.Start(t, harness.Options{})
	cmd := exec.Command(python, filepath.Join(harness.RepoRoot(), "sdk", "python", "tests", "e2e_agent_run.py"))
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(),
		"AGENTSTACK_COLLECTOR_URL="+c.URL(),
		"AGENTSTACK_API_KEY="+harness.BootstrapKey,
		"AGENTSTACK_E2E_DB="+c.DBPath(),
		"AGENTSTACK_E2E_PROJECT_ID="+c.ProjectID("default"),
	)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "e2e ok") {
		t.Fatalf("the Python SDK end-to-end run failed (%v):\n%s\ncollector log:\n%s", err, out, c.Log())
	}
	var cost float64
	if err := c.DB().QueryRow(`SELECT cost_usd FROM traces ORDER BY updated_at DESC LIMIT 1`).Scan(&cost); err != nil {
		t.Fatal(err)
	}
	if cost < 0.0035-1e-9 || cost > 0.0035+1e-9 {
		t.Errorf("the trace roll-up costs %v, want 0.0035 (gpt-4o, 1000 in, 100 out)", cost)
	}
}
