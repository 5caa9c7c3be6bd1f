package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/store"
)

type wsIn struct {
	Type       string          `json:"type"`
	Data       json.RawMessage `json:"data"`
	ProjectIDs []string        `json:"project_ids"`
	Error      *errorDetail    `json:"error"`
}

func (e *env) wsURL() string { return "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws/traces" }

func (e *env) dial(ctx context.Context, token string, viaProtocol bool) *websocket.Conn {
	e.t.Helper()
	u, opts := e.wsURL(), &websocket.DialOptions{HTTPClient: e.srv.Client()}
	if viaProtocol {
		opts.Subprotocols = []string{"bearer." + token}
	} else {
		u += "?token=" + token
	}
	c, res, err := websocket.Dial(ctx, u, opts)
	require.NoError(e.t, err)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	e.t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

func readMsg(t *testing.T, ctx context.Context, c *websocket.Conn) wsIn {
	t.Helper()
	_, b, err := c.Read(ctx)
	require.NoError(t, err)
	var m wsIn
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return m
}

func writeMsg(t *testing.T, ctx context.Context, c *websocket.Conn, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, c.Write(ctx, websocket.MessageText, b))
}

func TestWebSocketPushesStoredSpansAndAlerts(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.register("u@example.com")
	p1 := e.createProject(tok, "one").Project.ID
	p2 := e.createProject(tok, "two").Project.ID
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	for _, viaProtocol := range []bool{false, true} {
		c := e.dial(ctx, tok, viaProtocol)
		if viaProtocol {
			assert.True(t, strings.HasPrefix(c.Subprotocol(), "bearer."), "the subprotocol is echoed, as browsers require")
		}
		hello := readMsg(t, ctx, c)
		assert.Equal(t, "subscribed", hello.Type)
		assert.ElementsMatch(t, []string{p1, p2}, hello.ProjectIDs, "all of the caller's projects by default")
		_ = c.Close(websocket.StatusNormalClosure, "")
	}

	c := e.dial(ctx, tok, false)
	readMsg(t, ctx, c)
	writeMsg(t, ctx, c, map[string]any{"type": "subscribe", "project_ids": []string{p2}})
	ack := readMsg(t, ctx, c)
	assert.Equal(t, "subscribed", ack.Type)
	assert.Equal(t, []string{p2}, ack.ProjectIDs)

	// Through the store and the feed, as the exporter does it.
	s1 := span(p1, t1, "b100000000000001", "", "ignored", 0, 10)
	s2 := span(p2, t2, "b200000000000001", "", "agent.run", 0, 10)
	res := e.write(store.Batch{Spans: []store.Span{s1, s2},
		Alerts: []store.Alert{{ID: "live-1", ProjectID: p2, TraceID: t2, SpanID: s2.SpanID, Rule: "pii", Severity: "medium", TimeNs: s2.StartNs}}})
	e.hub.Publish(livefeed.FromWrite(res))

	m := readMsg(t, ctx, c)
	require.Equal(t, "span", m.Type)
	var sp spanBody
	require.NoError(t, json.Unmarshal(m.Data, &sp))
	assert.Equal(t, "b200000000000001", sp.SpanID)
	assert.Equal(t, p2, sp.ProjectID)
	assert.JSONEq(t, `{"k":"v"}`, string(sp.Attributes))
	m = readMsg(t, ctx, c)
	require.Equal(t, "alert", m.Type)
	var al alertBody
	require.NoError(t, json.Unmarshal(m.Data, &al))
	assert.Equal(t, "pii", al.Rule)
	assert.Equal(t, s2.SpanID, al.SpanID)

	writeMsg(t, ctx, c, map[string]string{"type": "ping"})
	assert.Equal(t, "pong", readMsg(t, ctx, c).Type)
	writeMsg(t, ctx, c, map[string]string{"type": "dance"})
	m = readMsg(t, ctx, c)
	assert.Equal(t, "error", m.Type)
	assert.Equal(t, codeBadRequest, m.Error.Code)

	// The server's own pings (every second here) are answered by the
	// client library while it reads; the connection stays up past them.
	pingCtx, pingCancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	_, _, err := c.Read(pingCtx)
	pingCancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "nothing to read, but not closed")
}

func TestWebSocketRefusesBadTokens(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, u := range []string{e.wsURL(), e.wsURL() + "?token=bad.token.here"} {
		_, res, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: e.srv.Client()})
		require.Error(t, err)
		require.NotNil(t, res)
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	}
}

func TestWebSocketDropsASlowClient(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.WSBuffer = 4 })
	tok, _ := e.register("u@example.com")
	p := e.createProject(tok, "p").Project.ID
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := e.dial(ctx, tok, false)
	readMsg(t, ctx, c)

	// One large burst: more than the buffer arrives before the writer can
	// drain it, and Publish must return at once all the same.
	events := make([]livefeed.Event, 5000)
	for i := range events {
		events[i] = livefeed.Event{Kind: livefeed.KindSpan, ProjectID: p, Span: &store.Span{ProjectID: p, SpanID: "x"}}
	}
	start := time.Now()
	e.hub.Publish(events)
	assert.Less(t, time.Since(start), time.Second)
	assert.Equal(t, uint64(1), e.hub.DroppedSubscribers())

	var err error
	for n := 0; n < 10; n++ {
		if _, _, err = c.Read(ctx); err != nil {
			break
		}
	}
	require.Error(t, err)
	assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "closed as too slow: %v", err)
}

func TestWebSocketEndsOnClose(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.register("u@example.com")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := e.dial(ctx, tok, false)
	readMsg(t, ctx, c)
	readErr := make(chan error, 1)
	go func() {
		_, _, err := c.Read(ctx)
		readErr <- err
	}()
	// Let the client's Read start first: when the close frame arrives
	// before it, the client library reports a bare EOF instead of the code.
	time.Sleep(50 * time.Millisecond)
	e.api.Close()
	err := <-readErr
	require.Error(t, err)
	assert.False(t, errors.Is(err, context.DeadlineExceeded), "the server closed the connection: %v", err)
	assert.Equal(t, websocket.StatusGoingAway, websocket.CloseStatus(err), "%v", err)
}

func TestWebSocketFollowsNewProjects(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.register("u@example.com")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := e.dial(ctx, tok, false)
	hello := readMsg(t, ctx, c)
	assert.Empty(t, hello.ProjectIDs, "no project yet")

	// Created after the socket opened: the default subscription follows.
	p := e.createProject(tok, "later").Project.ID
	e.hub.Publish([]livefeed.Event{{Kind: livefeed.KindSpan, ProjectID: p, Span: &store.Span{ProjectID: p, SpanID: "d100000000000001"}}})
	m := readMsg(t, ctx, c)
	require.Equal(t, "span", m.Type)
	assert.Contains(t, string(m.Data), "d100000000000001")

	// An explicit subscription does not grow by itself.
	writeMsg(t, ctx, c, map[string]any{"type": "subscribe", "project_ids": []string{p}})
	readMsg(t, ctx, c)
	q := e.createProject(tok, "another").Project.ID
	e.hub.Publish([]livefeed.Event{
		{Kind: livefeed.KindSpan, ProjectID: q, Span: &store.Span{ProjectID: q, SpanID: "d200000000000001"}},
		{Kind: livefeed.KindSpan, ProjectID: p, Span: &store.Span{ProjectID: p, SpanID: "d100000000000002"}},
	})
	m = readMsg(t, ctx, c)
	assert.Contains(t, string(m.Data), "d100000000000002", "the new project's span was skipped")
}
