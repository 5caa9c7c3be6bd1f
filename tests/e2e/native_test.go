package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/tests/harness"
)

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// nativeRun builds the spans of one agent run in the native format: a root
// with an LLM child and an erroring tool grandchild.
func nativeRun(traceID string) (root, llm, tool map[string]any) {
	now := time.Now().UnixNano()
	rootID, llmID, toolID := randHex(8), randHex(8), randHex(8)
	root = map[string]any{
		"trace_id": traceID, "span_id": rootID, "name": "agent.run",
		"start_time": now, "end_time": now + 5_000_000, "status": "OK", "service_name": "support-bot",
		"attributes": map[string]any{"agent.name": "triage", "retries": 2, "temperature": 0.25, "streaming": true},
	}
	llm = map[string]any{
		"trace_id": traceID, "span_id": llmID, "parent_span_id": rootID, "name": "llm.chat", "kind": "client",
		"start_time": now + 1_000_000, "end_time": now + 4_000_000, "status": "OK", "service_name": "support-bot",
		"attributes": map[string]any{"llm.model": "gpt-4o", "llm.tokens.in": 1000, "llm.tokens.out": 100},
		"events":     []any{map[string]any{"name": "first_token", "timestamp": now + 1_500_000, "attributes": map[string]any{"chunk": "Hel"}}},
	}
	tool = map[string]any{
		"trace_id": traceID, "span_id": toolID, "parent_span_id": llmID, "name": "tool.search",
		"start_time": now + 2_000_000, "end_time": now + 3_000_000, "status": "ERROR", "status_message": "timeout",
		"service_name": "support-bot", "attributes": map[string]any{"tool.name": "search"},
	}
	return root, llm, tool
}

func checkRun(t *testing.T, got map[string]storedSpan, projectID string, root, llm, tool map[string]any) {
	t.Helper()
	r, l, tl := got[root["span_id"].(string)], got[llm["span_id"].(string)], got[tool["span_id"].(string)]
	for _, s := range []storedSpan{r, l, tl} {
		assert.Equal(t, projectID, s.ProjectID, "span %s", s.Name)
		assert.Equal(t, "support-bot", s.Service)
		assert.Equal(t, projectID, s.Resource["agentstack.project.id"])
	}
	assert.Equal(t, "agent.run", r.Name)
	assert.Equal(t, "", r.ParentSpanID)
	assert.Equal(t, root["span_id"], l.ParentSpanID)
	assert.Equal(t, llm["span_id"], tl.ParentSpanID)
	assert.Equal(t, root["start_time"], r.Start)
	assert.Equal(t, root["end_time"], r.End)
	assert.Equal(t, "OK", r.Status)
	assert.Equal(t, "ERROR", tl.Status)
	assert.Equal(t, "timeout", tl.StatusMessage)
	assert.Equal(t, 3, l.Kind, "client kind")
	// JSON scalar types survive: int, double, bool, string.
	assert.Equal(t, map[string]any{"agent.name": "triage", "retries": json.Number("2"), "temperature": json.Number("0.25"), "streaming": true}, r.Attributes)
	assert.Equal(t, "gpt-4o", l.Attributes["llm.model"])
	require.Len(t, l.Events, 1)
	assert.Equal(t, "first_token", l.Events[0]["name"])
	wantTS := llm["events"].([]any)[0].(map[string]any)["timestamp"].(int64)
	assert.Equal(t, json.Number(fmt.Sprint(wantTS)), l.Events[0]["time_unix_nano"])
	assert.Equal(t, map[string]any{"chunk": "Hel"}, l.Events[0]["attributes"])
}

func TestNativeJSONAllBodyForms(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	project := c.ProjectID("default")
	url := c.URL() + "/v1/traces"

	cases := []struct {
		name string
		body func(root, llm, tool map[string]any) []byte
		gzip bool
	}{
		{"object", func(r, l, tl map[string]any) []byte { return mustJSON(t, map[string]any{"spans": []any{r, l, tl}}) }, false},
		{"array", func(r, l, tl map[string]any) []byte { return mustJSON(t, []any{r, l, tl}) }, false},
		{"gzip", func(r, l, tl map[string]any) []byte { return mustJSON(t, map[string]any{"spans": []any{r, l, tl}}) }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			traceID := randHex(16)
			root, llm, tool := nativeRun(traceID)
			body := tc.body(root, llm, tool)
			headers := keyHeader(harness.BootstrapKey)
			if tc.gzip {
				body = gzipped(t, body)
				headers["Content-Encoding"] = "gzip"
			}
			resp := post(t, url, "application/json", body, headers)
			require.Equal(t, http.StatusAccepted, resp.Status, string(resp.Body))
			assert.JSONEq(t, `{"status":"accepted","spans_queued":3,"rejected":[]}`, string(resp.Body))
			checkRun(t, waitSpans(t, c, traceID, 3), project, root, llm, tool)
		})
	}

	t.Run("single span", func(t *testing.T) {
		traceID := randHex(16)
		root, _, _ := nativeRun(traceID)
		resp := post(t, url, "application/json", mustJSON(t, root), map[string]string{"Authorization": "Bearer " + harness.BootstrapKey})
		require.Equal(t, http.StatusAccepted, resp.Status, string(resp.Body))
		got := waitSpans(t, c, traceID, 1)
		assert.Equal(t, "agent.run", got[root["span_id"].(string)].Name)
	})

	t.Run("seed UUID ids keep their parent links", func(t *testing.T) {
		traceUUID := "6f1c2a8e-6a5f-4a8b-9e57-3f2d1c0b9a87"
		parent := map[string]any{"trace_id": traceUUID, "span_id": "0d8f5e1a-2b3c-4d5e-8f90-a1b2c3d4e5f6", "name": "agent",
			"start_time": 1_700_000_000_000_000_000, "end_time": 1_700_000_001_000_000_000, "status": "OK"}
		child := map[string]any{"trace_id": traceUUID, "span_id": "1e9a6f2b-3c4d-4e5f-9a01-b2c3d4e5f607", "parent_span_id": parent["span_id"],
			"name": "tool", "start_time": 1_700_000_000_100_000_000, "end_time": 1_700_000_000_200_000_000, "status": "OK"}
		resp := post(t, url, "application/json", mustJSON(t, map[string]any{"spans": []any{parent, child}}), keyHeader(harness.BootstrapKey))
		require.Equal(t, http.StatusAccepted, resp.Status, string(resp.Body))
		traceID := strings.ReplaceAll(traceUUID, "-", "")
		got := waitSpans(t, c, traceID, 2)
		var p, ch storedSpan
		for _, s := range got {
			if s.Name == "agent" {
				p = s
			} else {
				ch = s
			}
		}
		assert.Len(t, p.SpanID, 16)
		assert.Equal(t, p.SpanID, ch.ParentSpanID, "a UUID parent id folds to the same span id as its span")
	})
}

func TestNativePartialAcceptance(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	traceID := randHex(16)
	good, _, _ := nativeRun(traceID)
	spans := []any{
		good,
		map[string]any{"trace_id": traceID, "name": "no span id", "start_time": 1, "end_time": 2},
		map[string]any{"trace_id": traceID, "span_id": randHex(8), "name": "backwards", "start_time": 20, "end_time": 10},
		map[string]any{"trace_id": traceID, "span_id": randHex(8), "name": "bad time", "start_time": "soon", "end_time": 10},
		map[string]any{"trace_id": traceID, "span_id": randHex(8), "start_time": 1, "end_time": 2},
		map[string]any{"trace_id": 42, "span_id": randHex(8), "name": "number id", "start_time": 1, "end_time": 2},
		"not an object",
	}
	resp := post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, map[string]any{"spans": spans}), keyHeader(harness.BootstrapKey))
	require.Equal(t, http.StatusAccepted, resp.Status, string(resp.Body))
	var out struct {
		Status      string `json:"status"`
		SpansQueued int    `json:"spans_queued"`
		Rejected    []struct {
			Index  int    `json:"index"`
			Reason string `json:"reason"`
		} `json:"rejected"`
	}
	require.NoError(t, json.Unmarshal(resp.Body, &out))
	assert.Equal(t, 1, out.SpansQueued)
	require.Len(t, out.Rejected, 6)
	want := map[int]string{1: "span_id is required", 2: "end_time", 3: "start_time", 4: "name is required", 5: "trace_id must be a string", 6: "must be a JSON object"}
	for _, r := range out.Rejected {
		assert.Contains(t, r.Reason, want[r.Index], "rejected[%d]", r.Index)
	}
	got := waitSpans(t, c, traceID, 1)
	assert.Contains(t, got, good["span_id"])

	t.Run("all invalid is a 400 that lists them", func(t *testing.T) {
		resp := post(t, c.URL()+"/v1/traces", "application/json", []byte(`[{"name":"x"}]`), keyHeader(harness.BootstrapKey))
		assert.Equal(t, http.StatusBadRequest, resp.Status)
		assert.Contains(t, string(resp.Body), `"rejected":[{"index":0,"reason":"trace_id is required"}]`)
	})
}

func TestRequestErrors(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	url := c.URL() + "/v1/traces"
	traceID := randHex(16)
	root, _, _ := nativeRun(traceID)
	body := mustJSON(t, root)

	errorOf := func(t *testing.T, r response) (string, string) {
		t.Helper()
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &e), "a JSON error body, got %q", r.Body)
		return e.Error.Code, e.Error.Message
	}

	t.Run("no key", func(t *testing.T) {
		r := post(t, url, "application/json", body, nil)
		assert.Equal(t, http.StatusUnauthorized, r.Status)
		code, msg := errorOf(t, r)
		assert.Equal(t, "unauthorized", code)
		assert.Contains(t, msg, "X-API-Key")
	})
	t.Run("wrong key", func(t *testing.T) {
		r := post(t, url, "application/json", body, keyHeader("ak_wrong_key_0123456789abcdefghijklmnopq"))
		assert.Equal(t, http.StatusUnauthorized, r.Status)
		_, msg := errorOf(t, r)
		assert.Equal(t, "invalid API key", msg)
	})
	t.Run("too large", func(t *testing.T) {
		big := []byte(`{"spans":[{"name":"` + strings.Repeat("x", 5<<20) + `"}]}`)
		r := post(t, url, "application/json", big, keyHeader(harness.BootstrapKey))
		assert.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
		code, _ := errorOf(t, r)
		assert.Equal(t, "payload_too_large", code)
	})
	t.Run("gzip bomb over the limit once inflated", func(t *testing.T) {
		big := gzipped(t, []byte(`{"spans":[{"name":"`+strings.Repeat("x", 6<<20)+`"}]}`))
		require.Less(t, len(big), 1<<20)
		r := post(t, url, "application/json", big, map[string]string{"X-API-Key": harness.BootstrapKey, "Content-Encoding": "gzip"})
		assert.Equal(t, http.StatusRequestEntityTooLarge, r.Status, string(r.Body))
	})
	t.Run("broken JSON says where", func(t *testing.T) {
		r := post(t, url, "application/json", []byte("{\"spans\": [\n  {\"name\": \"a\",, }\n]}"), keyHeader(harness.BootstrapKey))
		assert.Equal(t, http.StatusBadRequest, r.Status)
		code, msg := errorOf(t, r)
		assert.Equal(t, "invalid_body", code)
		assert.Contains(t, msg, "line 2, column")
	})
	t.Run("not JSON at all", func(t *testing.T) {
		r := post(t, url, "application/json", []byte("hello"), keyHeader(harness.BootstrapKey))
		assert.Equal(t, http.StatusBadRequest, r.Status)
		_, msg := errorOf(t, r)
		assert.Contains(t, msg, "line 1, column 1")
	})
	t.Run("unknown content type", func(t *testing.T) {
		r := post(t, url, "text/csv", body, keyHeader(harness.BootstrapKey))
		assert.Equal(t, http.StatusUnsupportedMediaType, r.Status)
	})
	t.Run("GET is not allowed", func(t *testing.T) {
		resp, err := http.Get(url)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
	t.Run("health and ready need no key", func(t *testing.T) {
		for _, p := range []string{"/health", "/ready"} {
			resp, err := http.Get(c.URL() + p)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode, p)
		}
	})
	// None of the refused requests stored anything.
	var n int
	require.NoError(t, c.DB().QueryRow(`SELECT COUNT(*) FROM spans`).Scan(&n))
	assert.Zero(t, n, fmt.Sprintf("log:\n%s", c.Log()))
}
