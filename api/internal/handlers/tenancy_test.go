package handlers

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/store"
)

// TestTenancyTwoUsers: the second user gets 404 for every resource of the
// first, sees none of its data in any list, and receives none of its live
// events.
func TestTenancyTwoUsers(t *testing.T) {
	e := newEnv(t)
	tokA, _ := e.register("a@example.com")
	tokB, _ := e.register("b@example.com")
	pa := e.createProject(tokA, "a").Project.ID
	pb := e.createProject(tokB, "b").Project.ID
	fixture(e, pa)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wsB := e.dial(ctx, tokB, false)
	hello := readMsg(t, ctx, wsB)
	assert.Equal(t, []string{pb}, hello.ProjectIDs)
	writeMsg(t, ctx, wsB, map[string]any{"type": "subscribe", "project_ids": []string{pa}})
	m := readMsg(t, ctx, wsB)
	assert.Equal(t, "error", m.Type)
	assert.Equal(t, codeNotFound, m.Error.Code)

	// Every resource of A, by id.
	for _, path := range []string{
		"/api/v1/projects/" + pa,
		"/api/v1/traces/" + t1,
		"/api/v1/spans/a100000000000001",
		"/api/v1/sessions/sess-1",
		"/api/v1/traces?project_id=" + pa,
		"/api/v1/sessions?project_id=" + pa,
		"/api/v1/security/alerts?project_id=" + pa,
		"/api/v1/analytics/cost?project_id=" + pa,
		"/api/v1/analytics/summary?project_id=" + pa,
		"/api/v1/analytics/timeseries?project_id=" + pa,
		"/api/v1/traces/" + t1 + "?project_id=" + pa,
	} {
		r := e.do("GET", path, tokB, nil)
		assert.Equal(t, http.StatusNotFound, r.Status, path)
		assert.Equal(t, codeNotFound, r.errCode(t), path)
		// A sees the same resources.
		assert.Equal(t, http.StatusOK, e.do("GET", path, tokA, nil).Status, path)
	}
	for _, method := range []string{"DELETE"} {
		assert.Equal(t, http.StatusNotFound, e.do(method, "/api/v1/projects/"+pa, tokB, nil).Status)
	}
	assert.Equal(t, http.StatusNotFound, e.do("POST", "/api/v1/projects/"+pa+"/rotate-key", tokB, nil).Status)
	_, err := e.st.GetProject(ctx, pa)
	require.NoError(t, err, "B's delete did not delete A's project")

	// Lists without a project filter hold nothing of A.
	var pg tracePage
	e.do("GET", "/api/v1/traces", tokB, nil).json(t, &pg)
	assert.Zero(t, pg.Total)
	assert.Empty(t, pg.Items)
	var list struct {
		Items []map[string]any
		Total int
	}
	e.do("GET", "/api/v1/sessions", tokB, nil).json(t, &list)
	assert.Zero(t, list.Total)
	e.do("GET", "/api/v1/security/alerts", tokB, nil).json(t, &list)
	assert.Zero(t, list.Total)
	e.do("GET", "/api/v1/projects", tokB, nil).json(t, &list)
	require.Len(t, list.Items, 1)
	assert.Equal(t, pb, list.Items[0]["id"])
	rangeQ := "?start=1&end=" + time.Now().Format(time.RFC3339)
	var sum summaryBody
	e.do("GET", "/api/v1/analytics/summary"+rangeQ, tokB, nil).json(t, &sum)
	assert.Zero(t, sum.TraceCount)
	assert.Zero(t, sum.AlertCount)
	var cost costBody
	e.do("GET", "/api/v1/analytics/cost?bucket=day&start="+time.Unix(0, base).Add(-time.Hour).Format(time.RFC3339), tokB, nil).json(t, &cost)
	assert.Empty(t, cost.Series)
	var ts timeSeriesBody
	e.do("GET", fmt.Sprintf("/api/v1/analytics/timeseries?start=%d&end=%d", base-int64(time.Hour), base+int64(time.Hour)), tokB, nil).json(t, &ts)
	require.Len(t, ts.Points, 3)
	for _, pt := range ts.Points {
		assert.Zero(t, pt.Traces, "nothing of A in B's series")
		assert.Zero(t, pt.Alerts)
	}

	// Live: A's span and alert reach A's socket, never B's; B's own span
	// reaches B, which proves B's socket was listening.
	wsA := e.dial(ctx, tokA, false)
	readMsg(t, ctx, wsA)
	sa := span(pa, t3, "c100000000000001", "", "secret.of.a", 0, 5)
	sb := span(pb, t3, "c200000000000001", "", "b.own", 0, 5)
	resA := e.write(store.Batch{Spans: []store.Span{sa},
		Alerts: []store.Alert{{ID: "ten-1", ProjectID: pa, TraceID: t3, SpanID: sa.SpanID, Rule: "pii", Severity: "low", TimeNs: 1}}})
	e.hub.Publish(livefeed.FromWrite(resA))
	resB := e.write(store.Batch{Spans: []store.Span{sb}})
	e.hub.Publish(livefeed.FromWrite(resB))

	assert.Equal(t, "span", readMsg(t, ctx, wsA).Type)
	assert.Equal(t, "alert", readMsg(t, ctx, wsA).Type)
	m = readMsg(t, ctx, wsB)
	require.Equal(t, "span", m.Type)
	assert.Contains(t, string(m.Data), "b.own")
	assert.NotContains(t, string(m.Data), "secret.of.a")
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	_, data, err := wsB.Read(short)
	assert.Error(t, err, "B received a further message: %s", data)
	_ = wsA.Close(websocket.StatusNormalClosure, "")
}
