package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/tests/harness"
)

// metricValue sums the samples of a metric whose labels match labelRe.
func metricValue(t *testing.T, body, name, labelRe string) (float64, bool) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + name + `(?:_total)?\{([^}]*)\} ([0-9.e+]+)$`)
	lab := regexp.MustCompile(labelRe)
	sum, found := 0.0, false
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		if lab.MatchString(m[1]) {
			v, err := strconv.ParseFloat(m[2], 64)
			require.NoError(t, err)
			sum += v
			found = true
		}
	}
	return sum, found
}

// TestOwnMetricsCountAcceptedRefusedAndStored checks that the collector's
// Prometheus endpoint tells accepted, refused and exported spans apart.
func TestOwnMetricsCountAcceptedRefusedAndStored(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	traceID := randHex(16)
	root, llm, tool := nativeRun(traceID)
	require.Equal(t, http.StatusAccepted, post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, []any{root, llm, tool}), keyHeader(harness.BootstrapKey)).Status)
	require.Equal(t, http.StatusBadRequest, post(t, c.URL()+"/v1/traces", "application/json", []byte(`[{"name":"x"}]`), keyHeader(harness.BootstrapKey)).Status)
	waitSpans(t, c, traceID, 3)

	var body string
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + c.MetricsAddr + "/metrics")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		if sent, ok := metricValue(t, body, "otelcol_exporter_sent_spans", `exporter="agentstack_store"`); ok && sent >= 3 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	accepted, ok := metricValue(t, body, "otelcol_receiver_accepted_spans", `receiver="agentstack"`)
	require.True(t, ok, "no accepted-spans metric for the agentstack receiver:\n%s", body)
	assert.Equal(t, 3.0, accepted)
	refused, ok := metricValue(t, body, "otelcol_receiver_refused_spans", `receiver="agentstack"`)
	require.True(t, ok)
	assert.Equal(t, 1.0, refused)
	sent, ok := metricValue(t, body, "otelcol_exporter_sent_spans", `exporter="agentstack_store"`)
	require.True(t, ok)
	assert.Equal(t, 3.0, sent)

	resp, err := http.Get(c.URL() + "/ready")
	require.NoError(t, err)
	defer resp.Body.Close()
	var ready struct {
		Ready         bool  `json:"ready"`
		AcceptedSpans int64 `json:"accepted_spans"`
		RefusedSpans  int64 `json:"refused_spans"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&ready))
	assert.Equal(t, struct {
		Ready         bool  `json:"ready"`
		AcceptedSpans int64 `json:"accepted_spans"`
		RefusedSpans  int64 `json:"refused_spans"`
	}{true, 3, 1}, ready, "/ready shows the same counts")
}
