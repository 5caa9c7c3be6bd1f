package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/apikey"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "agentstack.db"), Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func TestMigrationsAreIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	v, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	ms, err := loadMigrations()
	require.NoError(t, err)
	assert.Equal(t, ms[len(ms)-1].Version, v)
	require.NoError(t, s.Close())

	s, err = Open(ctx, path, Options{})
	require.NoError(t, err)
	v2, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, v, v2)
	require.NoError(t, s.Close())
}

func TestProjectKeyLookupAndRotation(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	key, err := apikey.Generate()
	require.NoError(t, err)
	p, err := s.CreateProject(ctx, "demo", "", key)
	require.NoError(t, err)
	assert.Equal(t, apikey.Hint(key), p.KeyHint)

	id, err := s.ProjectIDByKeyDigest(ctx, apikey.Sum(key))
	require.NoError(t, err)
	assert.Equal(t, p.ID, id)

	_, err = s.ProjectIDByKeyDigest(ctx, apikey.Sum(key+"x"))
	assert.ErrorIs(t, err, ErrNotFound)

	newKey, err := apikey.Generate()
	require.NoError(t, err)
	require.NoError(t, s.RotateKey(ctx, p.ID, newKey))
	_, err = s.ProjectIDByKeyDigest(ctx, apikey.Sum(key))
	assert.ErrorIs(t, err, ErrNotFound)
	id, err = s.ProjectIDByKeyDigest(ctx, apikey.Sum(newKey))
	require.NoError(t, err)
	assert.Equal(t, p.ID, id)

	var stored []byte
	require.NoError(t, s.r.QueryRow(`SELECT key_digest FROM projects WHERE id = ?`, p.ID).Scan(&stored))
	assert.NotContains(t, string(stored), newKey, "the plain key must never be stored")
}

func sampleBatch(project string) Batch {
	return Batch{
		Spans: []Span{
			{ProjectID: project, TraceID: "t1", SpanID: "a", Name: "agent.run", StartNs: 1000, EndNs: 5000, StatusCode: "OK", ServiceName: "svc"},
			{ProjectID: project, TraceID: "t1", SpanID: "b", ParentSpanID: "a", Name: "llm.chat", StartNs: 1500, EndNs: 4000, StatusCode: "ERROR",
				Model: "gpt-4o", InputTokens: 1000, OutputTokens: 100, TotalTokens: 1100, CostUSD: 0.0035},
		},
		Alerts: []Alert{{ID: "al1", ProjectID: project, TraceID: "t1", SpanID: "b", Rule: "pii.email", Severity: "medium", TimeNs: 1600}},
	}
}

func TestWriteBatchIsIdempotentAndRollsUp(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	res, err := s.WriteBatch(ctx, sampleBatch("p1"))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Inserted)
	assert.Len(t, res.NewAlerts, 1)

	res, err = s.WriteBatch(ctx, sampleBatch("p1"))
	require.NoError(t, err)
	assert.Equal(t, 0, res.Inserted)
	assert.Equal(t, 2, res.Duplicates)
	assert.Empty(t, res.NewAlerts)

	var n, spanCount, errCount, alertCount, dur int64
	var root, models string
	var cost float64
	require.NoError(t, s.r.QueryRow(`SELECT COUNT(*) FROM spans`).Scan(&n))
	assert.EqualValues(t, 2, n)
	require.NoError(t, s.r.QueryRow(`SELECT root_span_name, span_count, error_count, alert_count, duration_ns, cost_usd, models
		FROM traces WHERE project_id='p1' AND trace_id='t1'`).Scan(&root, &spanCount, &errCount, &alertCount, &dur, &cost, &models))
	assert.Equal(t, "agent.run", root)
	assert.EqualValues(t, 2, spanCount)
	assert.EqualValues(t, 1, errCount)
	assert.EqualValues(t, 1, alertCount)
	assert.EqualValues(t, 4000, dur)
	assert.InDelta(t, 0.0035, cost, 1e-12)
	assert.Equal(t, "gpt-4o", models)

	var calls int64
	require.NoError(t, s.r.QueryRow(`SELECT SUM(calls), SUM(cost_usd) FROM cost_hourly WHERE project_id='p1'`).Scan(&calls, &cost))
	assert.EqualValues(t, 1, calls, "a replayed batch must not add its cost twice")
	assert.InDelta(t, 0.0035, cost, 1e-12)
}

func TestSameIDsInTwoProjectsAreDistinct(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	_, err := s.WriteBatch(ctx, sampleBatch("p1"))
	require.NoError(t, err)
	b := sampleBatch("p2")
	b.Alerts = nil
	res, err := s.WriteBatch(ctx, b)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Inserted)
}

func TestDeleteProjectRemovesItsData(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	key, _ := apikey.Generate()
	p, err := s.CreateProject(ctx, "gone", "", key)
	require.NoError(t, err)
	_, err = s.WriteBatch(ctx, sampleBatch(p.ID))
	require.NoError(t, err)
	_, err = s.WriteBatch(ctx, Batch{Spans: sampleBatch("other").Spans})
	require.NoError(t, err)

	require.NoError(t, s.DeleteProject(ctx, p.ID))
	for _, table := range []string{"spans", "traces", "alerts", "cost_hourly"} {
		var n int
		require.NoError(t, s.r.QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE project_id = ?`, p.ID).Scan(&n))
		assert.Zero(t, n, table)
	}
	var others int
	require.NoError(t, s.r.QueryRow(`SELECT COUNT(*) FROM spans WHERE project_id = 'other'`).Scan(&others))
	assert.Equal(t, 2, others)
	assert.True(t, errors.Is(s.DeleteProject(ctx, p.ID), ErrNotFound))
}

func TestRollUpWhateverTheArrivalOrder(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	span := func(id, parent, name string, start, end int64, status, session string) Span {
		return Span{ProjectID: "p", TraceID: "t", SpanID: id, ParentSpanID: parent, Name: name, StartNs: start, EndNs: end,
			StatusCode: status, ServiceName: "svc-" + name, SessionID: session, Model: "m-" + name, CostUSD: 1}
	}
	type rollup struct {
		root, service, session, models string
		start, end, dur, spans, errs   int64
		cost                           float64
		hasRoot                        bool
	}
	read := func() rollup {
		var r rollup
		require.NoError(t, s.r.QueryRow(`SELECT root_span_name, service_name, session_id, models, start_time_ns, end_time_ns,
			duration_ns, span_count, error_count, cost_usd, has_root FROM traces WHERE project_id='p' AND trace_id='t'`).
			Scan(&r.root, &r.service, &r.session, &r.models, &r.start, &r.end, &r.dur, &r.spans, &r.errs, &r.cost, &r.hasRoot))
		return r
	}
	write := func(spans ...Span) {
		_, err := s.WriteBatch(ctx, Batch{Spans: spans})
		require.NoError(t, err)
	}

	write(span("c1", "r", "tool", 200, 300, "ERROR", ""))
	assert.Equal(t, rollup{root: "tool", service: "svc-tool", models: "m-tool", start: 200, end: 300, dur: 100, spans: 1, errs: 1, cost: 1}, read())

	write(span("c2", "r", "plan", 150, 250, "OK", "s-child"))
	assert.Equal(t, rollup{root: "plan", service: "svc-plan", session: "s-child", models: "m-tool,m-plan", start: 150, end: 300, dur: 150, spans: 2, errs: 1, cost: 2}, read())

	root := span("r", "", "agent", 100, 900, "OK", "s-root")
	write(root)
	want := rollup{root: "agent", service: "svc-agent", session: "s-root", models: "m-tool,m-plan,m-agent", start: 100, end: 900, dur: 800, spans: 3, errs: 1, cost: 3, hasRoot: true}
	assert.Equal(t, want, read())

	write(root, span("c1", "r", "tool", 200, 300, "ERROR", "")) // a replay changes nothing
	assert.Equal(t, want, read())

	write(span("c3", "r", "early", 50, 60, "OK", "s-late"), span("c4", "r", "tool", 400, 950, "OK", ""))
	assert.Equal(t, rollup{root: "agent", service: "svc-agent", session: "s-root", models: "m-tool,m-plan,m-agent,m-early", start: 50, end: 950, dur: 900, spans: 5, errs: 1, cost: 5, hasRoot: true}, read())
}

func TestWriteLogsIsIdempotentAndCountsAlertsBeforeTheSpanArrives(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	lb := LogBatch{
		Records: []LogRecord{{ProjectID: "p", ID: "l1", TraceID: "t", SpanID: "s", TimeNs: 500, EventName: "gen_ai.user.message", Body: []byte(`{"content":"hi"}`)}},
		Alerts:  []Alert{{ID: "a1", ProjectID: "p", TraceID: "t", SpanID: "s", Rule: "injection.override", Severity: "high", TimeNs: 500}},
	}
	for i := 0; i < 2; i++ {
		res, err := s.WriteLogs(ctx, lb)
		require.NoError(t, err)
		assert.Equal(t, 1-i, res.Inserted)
		assert.Len(t, res.NewAlerts, 1-i)
	}
	var alerts, spans int64
	require.NoError(t, s.r.QueryRow(`SELECT alert_count, span_count FROM traces WHERE trace_id = 't'`).Scan(&alerts, &spans))
	assert.EqualValues(t, 1, alerts)
	assert.EqualValues(t, 0, spans, "the span has not arrived")

	_, err := s.WriteBatch(ctx, Batch{Spans: []Span{{ProjectID: "p", TraceID: "t", SpanID: "s", Name: "chat", StartNs: 400, EndNs: 900, StatusCode: "OK"}}})
	require.NoError(t, err)
	var root string
	var start, dur int64
	require.NoError(t, s.r.QueryRow(`SELECT root_span_name, start_time_ns, duration_ns, alert_count, span_count FROM traces WHERE trace_id = 't'`).
		Scan(&root, &start, &dur, &alerts, &spans))
	assert.Equal(t, "chat", root)
	assert.EqualValues(t, 400, start, "a row made by alerts alone takes the span's times")
	assert.EqualValues(t, 500, dur)
	assert.EqualValues(t, 1, alerts)
	assert.EqualValues(t, 1, spans)

	_, err = s.WriteLogs(ctx, LogBatch{Records: []LogRecord{
		{ProjectID: "p", ID: "l2", TraceID: "t", SpanID: "s", TimeNs: 600},
		{ProjectID: "p", ID: "l3", TraceID: "t", SpanID: "other", TimeNs: 700},
		{ProjectID: "q", ID: "l4", TraceID: "t", SpanID: "s", TimeNs: 700},
	}})
	require.NoError(t, err)
	counts, err := s.LogCountsOfTrace(ctx, "p", "t")
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"s": 2, "other": 1}, counts, "per span, and only the project's own")
	recs, err := s.LogsOfTrace(ctx, "p", "t", "s")
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, []string{"l1", "l2"}, []string{recs[0].ID, recs[1].ID}, "oldest first")

	key, err := apikey.Generate()
	require.NoError(t, err)
	p, err := s.CreateProject(ctx, "p", "", key)
	require.NoError(t, err)
	lb.Records[0].ProjectID = p.ID
	_, err = s.WriteLogs(ctx, LogBatch{Records: lb.Records})
	require.NoError(t, err)
	require.NoError(t, s.DeleteProject(ctx, p.ID))
	var logs int
	require.NoError(t, s.r.QueryRow(`SELECT COUNT(*) FROM logs WHERE project_id = ?`, p.ID).Scan(&logs))
	assert.Zero(t, logs, "a deleted project's log records go with it")
}
