package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/tests/harness"
)

// apiClient talks to the agentstack_api extension of a running collector.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (a *apiClient) do(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(mustJSON(a.t, body))
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	require.NoError(a.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(a.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(a.t, err)
	return res.StatusCode, b
}

func (a *apiClient) get(path string, want int, dst any) {
	a.t.Helper()
	status, b := a.do("GET", path, nil)
	require.Equal(a.t, want, status, "GET %s: %s", path, b)
	if dst != nil {
		require.NoError(a.t, json.Unmarshal(b, dst), string(b))
	}
}

func register(t *testing.T, c *harness.Collector, email string) *apiClient {
	t.Helper()
	a := &apiClient{t: t, base: c.APIURL()}
	status, b := a.do("POST", "/api/v1/auth/register", map[string]string{"email": email, "password": "correct horse battery"})
	require.Equal(t, http.StatusCreated, status, string(b))
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		User        struct {
			ID      string `json:"id"`
			IsAdmin bool   `json:"is_admin"`
		} `json:"user"`
	}
	require.NoError(t, json.Unmarshal(b, &tok))
	require.Equal(t, "bearer", tok.TokenType)
	a.token = tok.AccessToken
	return a
}

type wsEvent struct {
	Type       string   `json:"type"`
	ProjectIDs []string `json:"project_ids"`
	Data       struct {
		ProjectID string `json:"project_id"`
		TraceID   string `json:"trace_id"`
		SpanID    string `json:"span_id"`
		Name      string `json:"name"`
	} `json:"data"`
}

func (a *apiClient) liveFeed(ctx context.Context) *websocket.Conn {
	a.t.Helper()
	u := "ws" + strings.TrimPrefix(a.base, "http") + "/ws/traces"
	conn, res, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{"bearer." + a.token}})
	require.NoError(a.t, err)
	if res.Body != nil {
		res.Body.Close()
	}
	a.t.Cleanup(func() { _ = conn.CloseNow() })
	var hello wsEvent
	readEvent(a.t, ctx, conn, &hello)
	require.Equal(a.t, "subscribed", hello.Type)
	return conn
}

func readEvent(t *testing.T, ctx context.Context, conn *websocket.Conn, dst *wsEvent) {
	t.Helper()
	_, b, err := conn.Read(ctx)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, dst), string(b))
}

// TestAPIServesWhatWasIngested: spans sent to :4318 with the bootstrap key
// reach the first user's WebSocket within a second of being accepted, and
// are then listed and detailed by the REST API.
func TestAPIServesWhatWasIngested(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	ada := register(t, c, "ada@example.com")

	var health map[string]string
	ada.get("/api/v1/health", http.StatusOK, &health)
	assert.Equal(t, "ok", health["status"])

	var projects struct {
		Items []struct{ ID, Name string }
	}
	ada.get("/api/v1/projects", http.StatusOK, &projects)
	require.Len(t, projects.Items, 1, "the first user owns the bootstrap project")
	assert.Equal(t, "default", projects.Items[0].Name)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := ada.liveFeed(ctx)

	traceID := randHex(16)
	root, llm, tool := nativeRun(traceID)
	r := post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, []any{root, llm, tool}), keyHeader(harness.BootstrapKey))
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	accepted := time.Now()

	got := map[string]string{}
	for len(got) < 3 {
		var ev wsEvent
		readEvent(t, ctx, conn, &ev)
		if ev.Type != "span" || ev.Data.TraceID != traceID {
			continue
		}
		assert.Equal(t, projects.Items[0].ID, ev.Data.ProjectID)
		got[ev.Data.SpanID] = ev.Data.Name
	}
	latency := time.Since(accepted)
	t.Logf("all 3 spans on the WebSocket %s after the 202", latency)
	assert.Less(t, latency, time.Second, "spans must reach the live feed within a second")
	assert.Equal(t, map[string]string{root["span_id"].(string): "agent.run", llm["span_id"].(string): "llm.chat",
		tool["span_id"].(string): "tool.search"}, got)

	var list struct {
		Items []struct {
			TraceID   string   `json:"trace_id"`
			Name      string   `json:"name"`
			Status    string   `json:"status"`
			SpanCount int      `json:"span_count"`
			Models    []string `json:"models"`
		}
		Total int
	}
	ada.get("/api/v1/traces?status=error&q=llm.chat", http.StatusOK, &list)
	require.Equal(t, 1, list.Total)
	assert.Equal(t, traceID, list.Items[0].TraceID)
	assert.Equal(t, "agent.run", list.Items[0].Name)
	assert.Equal(t, 3, list.Items[0].SpanCount)
	assert.Equal(t, []string{"gpt-4o"}, list.Items[0].Models)

	var detail struct {
		Trace struct {
			InputTokens int `json:"input_tokens"`
		}
		Spans []struct {
			SpanID       string         `json:"span_id"`
			ParentSpanID string         `json:"parent_span_id"`
			Attributes   map[string]any `json:"attributes"`
		}
	}
	ada.get("/api/v1/traces/"+traceID, http.StatusOK, &detail)
	require.Len(t, detail.Spans, 3)
	assert.Equal(t, 1000, detail.Trace.InputTokens)
	assert.Equal(t, root["span_id"], detail.Spans[0].SpanID)
	assert.Equal(t, root["span_id"], detail.Spans[1].ParentSpanID)
	assert.Equal(t, "triage", detail.Spans[0].Attributes["agent.name"])

	var sp struct {
		Name          string `json:"name"`
		Status        string `json:"status"`
		StatusMessage string `json:"status_message"`
	}
	ada.get("/api/v1/spans/"+tool["span_id"].(string), http.StatusOK, &sp)
	assert.Equal(t, "tool.search", sp.Name)
	assert.Equal(t, "ERROR", sp.Status)
	assert.Equal(t, "timeout", sp.StatusMessage)

	var spec map[string]any
	ada.get("/api/v1/openapi.json", http.StatusOK, &spec)
	assert.Contains(t, spec, "paths")
}

// TestAPIProjectKeys: a project made through the API takes spans with its
// key at once; a rotated key stops working within seconds; a deleted
// project takes its traces with it.
func TestAPIProjectKeys(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	ada := register(t, c, "ada@example.com")
	status, b := ada.do("POST", "/api/v1/projects", map[string]string{"name": "checkout-agent"})
	require.Equal(t, http.StatusCreated, status, string(b))
	var created struct {
		Project struct{ ID string }
		APIKey  string `json:"api_key"`
	}
	require.NoError(t, json.Unmarshal(b, &created))

	traceID := randHex(16)
	root, _, _ := nativeRun(traceID)
	require.Equal(t, http.StatusAccepted, post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, root), keyHeader(created.APIKey)).Status)
	waitSpans(t, c, traceID, 1)
	ada.get("/api/v1/traces/"+traceID+"?project_id="+created.Project.ID, http.StatusOK, nil)

	status, b = ada.do("POST", "/api/v1/projects/"+created.Project.ID+"/rotate-key", nil)
	require.Equal(t, http.StatusOK, status, string(b))
	var rotated struct {
		APIKey string `json:"api_key"`
	}
	require.NoError(t, json.Unmarshal(b, &rotated))
	other, _, _ := nativeRun(randHex(16))
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, other), keyHeader(created.APIKey)).Status
		if s == http.StatusUnauthorized {
			break
		}
		require.True(t, time.Now().Before(deadline), "the old key still works 10 s after rotation")
		time.Sleep(200 * time.Millisecond)
	}
	assert.Equal(t, http.StatusAccepted, post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, other), keyHeader(rotated.APIKey)).Status)

	status, _ = ada.do("DELETE", "/api/v1/projects/"+created.Project.ID, nil)
	assert.Equal(t, http.StatusNoContent, status)
	ada.get("/api/v1/traces/"+traceID, http.StatusNotFound, nil)
	ada.get("/api/v1/projects/"+created.Project.ID, http.StatusNotFound, nil)
}

// TestAPITenancyTwoUsers: through the running binary, a second user gets
// 404 for every resource of the first and none of its live messages.
func TestAPITenancyTwoUsers(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	ada := register(t, c, "ada@example.com")
	bob := register(t, c, "bob@example.com")
	var projects struct {
		Items []struct{ ID string }
	}
	ada.get("/api/v1/projects", http.StatusOK, &projects)
	require.Len(t, projects.Items, 1)
	adaProject := projects.Items[0].ID
	status, b := bob.do("POST", "/api/v1/projects", map[string]string{"name": "bob's"})
	require.Equal(t, http.StatusCreated, status, string(b))
	var bobs struct {
		APIKey string `json:"api_key"`
	}
	require.NoError(t, json.Unmarshal(b, &bobs))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bobFeed := bob.liveFeed(ctx)
	require.NoError(t, bobFeed.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf(`{"type":"subscribe","project_ids":[%q]}`, adaProject))))
	var refused wsEvent
	readEvent(t, ctx, bobFeed, &refused)
	assert.Equal(t, "error", refused.Type, "bob cannot subscribe to ada's project")

	adaTrace := randHex(16)
	root, llm, tool := nativeRun(adaTrace)
	require.Equal(t, http.StatusAccepted, post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, []any{root, llm, tool}), keyHeader(harness.BootstrapKey)).Status)
	waitSpans(t, c, adaTrace, 3)
	// Bob's own span, sent after ada's, is the first thing bob's feed shows.
	bobTrace := randHex(16)
	bobRoot, _, _ := nativeRun(bobTrace)
	require.Equal(t, http.StatusAccepted, post(t, c.URL()+"/v1/traces", "application/json", mustJSON(t, bobRoot), keyHeader(bobs.APIKey)).Status)
	var ev wsEvent
	readEvent(t, ctx, bobFeed, &ev)
	assert.Equal(t, "span", ev.Type)
	assert.Equal(t, bobTrace, ev.Data.TraceID, "bob received ada's data on the live feed")

	for _, path := range []string{
		"/api/v1/projects/" + adaProject,
		"/api/v1/traces/" + adaTrace,
		"/api/v1/spans/" + root["span_id"].(string),
		"/api/v1/traces?project_id=" + adaProject,
		"/api/v1/security/alerts?project_id=" + adaProject,
		"/api/v1/sessions?project_id=" + adaProject,
		"/api/v1/analytics/summary?project_id=" + adaProject,
		"/api/v1/analytics/cost?project_id=" + adaProject,
	} {
		bob.get(path, http.StatusNotFound, nil)
		ada.get(path, http.StatusOK, nil)
	}
	status, _ = bob.do("DELETE", "/api/v1/projects/"+adaProject, nil)
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = bob.do("POST", "/api/v1/projects/"+adaProject+"/rotate-key", nil)
	assert.Equal(t, http.StatusNotFound, status)
	var list struct{ Total int }
	bob.get("/api/v1/traces", http.StatusOK, &list)
	assert.Equal(t, 1, list.Total, "bob lists his own trace only")
}
