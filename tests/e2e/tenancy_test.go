package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/tests/harness"
)

// openStore opens the running collector's database as a second writer,
// the way an admin tool would.
func openStore(t *testing.T, c *harness.Collector) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), c.DBPath(), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func TestTenancyComesFromTheKeyOnly(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	st := openStore(t, c)
	ctx := context.Background()
	keyA, err := apikey.Generate()
	require.NoError(t, err)
	keyB, err := apikey.Generate()
	require.NoError(t, err)
	a, err := st.CreateProject(ctx, "alpha", "", keyA)
	require.NoError(t, err)
	b, err := st.CreateProject(ctx, "beta", "", keyB)
	require.NoError(t, err)

	// A client of project A claims project B everywhere it can.
	traceID := randHex(16)
	root, llm, _ := nativeRun(traceID)
	root["attributes"].(map[string]any)["agentstack.project.id"] = b.ID
	root["resource_attributes"] = map[string]any{"agentstack.project.id": b.ID}
	root["project_id"] = b.ID
	r := post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, []any{root, llm}), keyHeader(keyA))
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))

	// The same over OTLP.
	tid, pid, cid := randTraceID(), randSpanID(), randSpanID()
	td := otlpBatch(tid, pid, cid, time.Now())
	td.ResourceSpans().At(0).Resource().Attributes().PutStr("agentstack.project.id", b.ID)
	body, err := ptraceRequestProto(td)
	require.NoError(t, err)
	r = post(t, c.URL()+"/v1/traces", "application/x-protobuf", body, keyHeader(keyA))
	require.Equal(t, http.StatusOK, r.Status)

	for _, s := range waitSpans(t, c, traceID, 2) {
		assert.Equal(t, a.ID, s.ProjectID)
		assert.NotContains(t, s.Attributes, "agentstack.project.id")
		assert.Equal(t, a.ID, s.Resource["agentstack.project.id"])
	}
	for _, s := range waitSpans(t, c, tid.String(), 2) {
		assert.Equal(t, a.ID, s.ProjectID)
	}
	var inB int
	require.NoError(t, c.DB().QueryRow(`SELECT COUNT(*) FROM spans WHERE project_id = ?`, b.ID).Scan(&inB))
	assert.Zero(t, inB, "nothing may land in project B through project A's key")
}

func TestRotatedKeyStopsWorkingWithinSeconds(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	st := openStore(t, c)
	ctx := context.Background()
	oldKey, _ := apikey.Generate()
	p, err := st.CreateProject(ctx, "rotating", "", oldKey)
	require.NoError(t, err)

	root, _, _ := nativeRun(randHex(16))
	body := mustJSON(t, root)
	require.Equal(t, http.StatusAccepted, post(t, c.URL()+"/v1/traces", "application/json", body, keyHeader(oldKey)).Status)

	newKey, _ := apikey.Generate()
	require.NoError(t, st.RotateKey(ctx, p.ID, newKey))
	rotated := time.Now()
	var status int
	for time.Since(rotated) < 10*time.Second {
		status = post(t, c.URL()+"/v1/traces", "application/json", body, keyHeader(oldKey)).Status
		if status == http.StatusUnauthorized {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	assert.Equal(t, http.StatusUnauthorized, status, "the old key still worked 10s after rotation")
	t.Logf("old key refused %.1fs after rotation", time.Since(rotated).Seconds())
	assert.Equal(t, http.StatusAccepted, post(t, c.URL()+"/v1/traces", "application/json", body, keyHeader(newKey)).Status)
}

func TestDataSurvivesARestart(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	traceID := randHex(16)
	root, llm, tool := nativeRun(traceID)
	r := post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, []any{root, llm, tool}), keyHeader(harness.BootstrapKey))
	require.Equal(t, http.StatusAccepted, r.Status)
	waitSpans(t, c, traceID, 3)
	project := c.ProjectID("default")

	c.Restart()
	assert.Equal(t, project, c.ProjectID("default"), "the bootstrap project is not made twice")
	var projects int
	require.NoError(t, c.DB().QueryRow(`SELECT COUNT(*) FROM projects`).Scan(&projects))
	assert.Equal(t, 1, projects)
	checkRun(t, waitSpans(t, c, traceID, 3), project, root, llm, tool)

	// Sending the same batch again after the restart stores nothing twice.
	r = post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, []any{root, llm, tool}), keyHeader(harness.BootstrapKey))
	require.Equal(t, http.StatusAccepted, r.Status)
	other := randHex(16)
	marker, _, _ := nativeRun(other)
	require.Equal(t, http.StatusAccepted, post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, marker), keyHeader(harness.BootstrapKey)).Status)
	waitSpans(t, c, other, 1)
	var n, spanCount int
	require.NoError(t, c.DB().QueryRow(`SELECT COUNT(*) FROM spans WHERE trace_id = ?`, traceID).Scan(&n))
	assert.Equal(t, 3, n)
	require.NoError(t, c.DB().QueryRow(`SELECT span_count FROM traces WHERE trace_id = ?`, traceID).Scan(&spanCount))
	assert.Equal(t, 3, spanCount)

	c.Stop()
	assert.Equal(t, 0, c.ExitCode(), "SIGTERM ends the process cleanly")
}
