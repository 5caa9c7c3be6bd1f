// Package distribution checks that the committed distribution/ is what OCB
// generates from builder-config.yaml, so the manifest and the code cannot
// drift apart.
package distribution

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/tests/harness"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestDistributionMatchesManifest(t *testing.T) {
	root := harness.RepoRoot()
	ocb := os.Getenv("AGENTSTACK_OCB")
	if ocb == "" {
		ocb = filepath.Join(root, ".tools", "bin", "builder")
	}
	if _, err := os.Stat(ocb); err != nil {
		t.Fatalf("OCB is needed at %s: run `make tools` (%v)", ocb, err)
	}
	manifest, err := os.ReadFile(filepath.Join(root, "builder-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "distribution")
	m := string(manifest)
	for old, repl := range map[string]string{
		"output_path: ./distribution": "output_path: " + out,
		"=> ../":                      "=> " + root,
	} {
		if !strings.Contains(m, old) {
			t.Fatalf("builder-config.yaml no longer contains %q; update this test with the manifest", old)
		}
		m = strings.ReplaceAll(m, old, repl)
	}
	cfg := filepath.Join(t.TempDir(), "builder-config.yaml")
	if err := os.WriteFile(cfg, []byte(m), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ocb, "--config", cfg, "--skip-compilation")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ocb failed: %v\n%s", err, b)
	}

	for _, name := range []string{"main.go", "main_others.go", "main_windows.go", "components.go", "go.mod"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(root, "distribution", name))
		if err != nil {
			t.Fatalf("distribution/%s is missing: run `make generate` and commit it", name)
		}
		w := strings.ReplaceAll(string(want), "=> "+root, "=> ../")
		if w != string(got) {
			t.Errorf("distribution/%s differs from what builder-config.yaml generates: run `make generate` and commit the result", name)
		}
	}
}
