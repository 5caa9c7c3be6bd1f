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
	assert.Equal(t, ms[len(ms)-1].version, v)
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
