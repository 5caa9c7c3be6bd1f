package storeexporter

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/testhost"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type storeExt struct {
	component.StartFunc
	component.ShutdownFunc
	st *store.Store
}

func (s storeExt) Store() *store.Store { return s.st }

func newExporter(t *testing.T) (*storeExporter, *store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.db")
	st, err := store.Open(context.Background(), path, store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	cfg := createDefaultConfig().(*Config)
	e := newStoreExporter(cfg, exportertest.NewNopSettings(Type))
	require.NoError(t, e.start(context.Background(), testhost.Host{cfg.Store: storeExt{st: st}}))
	return e, st, path
}

func batch(project string) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	if project != "" {
		rs.Resource().Attributes().PutStr(semconv.ProjectID, project)
	}
	rs.Resource().Attributes().PutStr(semconv.ServiceName, "svc")
	rs.Resource().Attributes().PutStr(semconv.SessionID, "sess-from-resource")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	root := spans.AppendEmpty()
	root.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	root.SetSpanID(pcommon.SpanID{1, 1, 1, 1, 1, 1, 1, 1})
	root.SetName("agent.run")
	root.SetStartTimestamp(1_000)
	root.SetEndTimestamp(9_000)
	llm := spans.AppendEmpty()
	llm.SetTraceID(root.TraceID())
	llm.SetSpanID(pcommon.SpanID{2, 2, 2, 2, 2, 2, 2, 2})
	llm.SetParentSpanID(root.SpanID())
	llm.SetName("chat")
	llm.SetStartTimestamp(2_000)
	llm.SetEndTimestamp(8_000)
	llm.Status().SetCode(ptrace.StatusCodeError)
	a := llm.Attributes()
	a.PutStr(semconv.GenAIRequestModel, "gpt-4o-2024-08-06")
	a.PutStr(semconv.LLMModel, "gpt-4o")
	a.PutInt(semconv.UsageInputTokens, 1000)
	a.PutStr(semconv.UsageOutputTokens, "100")
	a.PutDouble(semconv.CostTotalUSD, 0.0035)
	a.PutStr(semconv.GenAIConversationID, "conv-1")
	for i, rule := range []string{"pii.email", "injection.override"} {
		ev := llm.Events().AppendEmpty()
		ev.SetName(semconv.SecurityAlertEvent)
		ev.SetTimestamp(pcommon.Timestamp(3_000 + i))
		ev.Attributes().PutStr(semconv.AlertRule, rule)
		ev.Attributes().PutStr(semconv.AlertSeverity, "high")
		ev.Attributes().PutInt(semconv.AlertScore, 80)
		ev.Attributes().PutStr(semconv.AlertPreview, "j***@example.com")
	}
	llm.Events().AppendEmpty().SetName("not.an.alert")
	return td
}

func count(t *testing.T, path, query string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(query).Scan(&n))
	return n
}

func TestPushStoresSpansAlertsAndRollUpsOnce(t *testing.T) {
	e, _, path := newExporter(t)
	for i := 0; i < 3; i++ { // a retried batch
		require.NoError(t, e.pushTraces(context.Background(), batch("p1")))
	}
	assert.Equal(t, 2, count(t, path, `SELECT COUNT(*) FROM spans WHERE project_id = 'p1'`))
	assert.Equal(t, 2, count(t, path, `SELECT COUNT(*) FROM alerts WHERE project_id = 'p1' AND span_id = '0202020202020202'`))
	assert.Equal(t, 1, count(t, path, `SELECT COUNT(*) FROM traces WHERE alert_count = 2 AND error_count = 1 AND span_count = 2
		AND root_span_name = 'agent.run' AND session_id = 'sess-from-resource' AND cost_usd = 0.0035 AND input_tokens = 1000 AND output_tokens = 100`))
	assert.Equal(t, 1, count(t, path, `SELECT COUNT(*) FROM spans WHERE model = 'gpt-4o' AND parent_span_id = '0101010101010101'
		AND total_tokens = 1100 AND status_code = 'ERROR'`), "agentstack.llm.model wins over the raw request model")
	assert.Equal(t, 1, count(t, path, `SELECT COUNT(*) FROM spans WHERE span_id = '0101010101010101' AND session_id = 'sess-from-resource'`))
	assert.Equal(t, 1, count(t, path, `SELECT SUM(calls) FROM cost_hourly WHERE project_id = 'p1' AND model = 'gpt-4o'`))
}

func TestSpansWithoutAProjectAreAPermanentErrorButTheRestIsStored(t *testing.T) {
	e, _, path := newExporter(t)
	td := batch("p1")
	batch("").ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	err := e.pushTraces(context.Background(), td)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err), "retrying cannot give a span a project")
	assert.Equal(t, 2, count(t, path, `SELECT COUNT(*) FROM spans`))
}

func TestAClosedStoreIsARetryableError(t *testing.T) {
	e, st, _ := newExporter(t)
	require.NoError(t, st.Close())
	err := e.pushTraces(context.Background(), batch("p1"))
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), "a store fault must be retried")
	assert.Contains(t, err.Error(), "writing 2 spans")
}

func TestStartNeedsTheStore(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	e := newStoreExporter(cfg, exportertest.NewNopSettings(Type))
	err := e.start(context.Background(), testhost.Host{})
	require.ErrorContains(t, err, `extension "agentstack_store" is not configured`)
	require.ErrorContains(t, (&Config{}).Validate(), "store:")
}
