package redisstreamexporter

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/alertid"
	"github.com/agentstack/agentstack/internal/redistest"
)

var update = flag.Bool("update", false, "rewrite the expected files in testdata")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// rawEntries reads a stream with a plain XRANGE, keeping the field order.
func rawEntries(t *testing.T, srv *redistest.Server, stream string) [][]string {
	t.Helper()
	c := newClient(t, srv)
	reply, err := c.Do(context.Background(), "XRANGE", stream, "-", "+").Slice()
	require.NoError(t, err)
	out := make([][]string, len(reply))
	for i, e := range reply {
		pair := e.([]any)
		fields := pair[1].([]any)
		for _, f := range fields {
			out[i] = append(out[i], f.(string))
		}
	}
	return out
}

func names(fields []string) []string {
	var out []string
	for i := 0; i < len(fields); i += 2 {
		out = append(out, fields[i])
	}
	return out
}

func value(fields []string, name string) string {
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i] == name {
			return fields[i+1]
		}
	}
	return ""
}

func TestJSONMessagesArriveInOrderWithTheDocumentedFields(t *testing.T) {
	srv := redistest.Start(t)
	e := startDirect(t, testConfig(t, srv, nil))
	require.NoError(t, e.pushTraces(context.Background(), goldenTraces(t)))

	spans := rawEntries(t, srv, DefaultSpanStream)
	require.Len(t, spans, 4)
	var docs []map[string]any
	for i, f := range spans {
		assert.Equal(t, []string{"v", "format", "project_id", "trace_id", "span_id", "span"}, names(f), "entry %d", i)
		assert.Equal(t, "1", value(f, "v"))
		assert.Equal(t, "json", value(f, "format"))
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(value(f, "span")), &doc))
		assert.Equal(t, value(f, "span_id"), doc["span_id"], "the routing fields repeat the document's")
		assert.Equal(t, value(f, "project_id"), doc["project_id"])
		docs = append(docs, doc)
	}
	assert.Equal(t, []any{"00f067aa0ba902b7", "0102030405060708", "0102030405060709", "bb01020304050607"},
		[]any{docs[0]["span_id"], docs[1]["span_id"], docs[2]["span_id"], docs[3]["span_id"]}, "one entry per span, in batch order")

	llm := docs[1]
	assert.Equal(t, "gpt-4o", llm["model"])
	assert.EqualValues(t, 1100, llm["total_tokens"])
	assert.InDelta(t, 0.0035, llm["cost_usd"], 1e-12)
	assert.Equal(t, "ERROR", llm["status_code"])
	assert.Equal(t, "rate limited", llm["status_message"])
	assert.Equal(t, "00f067aa0ba902b7", llm["parent_span_id"])
	assert.Equal(t, "conv-7", llm["session_id"], "the span's conversation id wins over the resource's session")
	assert.Equal(t, "sess-42", docs[0]["session_id"])
	assert.Equal(t, "support-agent", llm["service_name"])
	assert.Len(t, llm["events"], 3)
	assert.Len(t, llm["links"], 1)
	assert.Equal(t, "gpt-4o", llm["attributes"].(map[string]any)["gen_ai.request.model"], "attributes are a JSON object, not a string")
	assert.Equal(t, "claude-3-5-sonnet", docs[3]["model"])
	assert.Equal(t, "p2", docs[3]["project_id"])

	got, err := json.MarshalIndent(docs, "", "  ")
	require.NoError(t, err)
	expectedPath := filepath.Join("testdata", "expected_span_documents.json")
	if *update {
		require.NoError(t, os.WriteFile(expectedPath, append(got, '\n'), 0o600))
	}
	want, err := os.ReadFile(expectedPath)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))

	alerts := rawEntries(t, srv, DefaultAlertStream)
	require.Len(t, alerts, 2)
	for _, f := range alerts {
		assert.Equal(t, []string{"v", "id", "rule", "severity", "score", "description", "trace_id", "span_id", "project_id",
			"type", "attribute_key", "source", "preview", "action", "time_ns"}, names(f))
	}
	first := alerts[0]
	assert.Equal(t, "pii.email", value(first, "rule"))
	assert.Equal(t, "medium", value(first, "severity"))
	assert.Equal(t, "60", value(first, "score"))
	assert.Equal(t, "Email address in the prompt", value(first, "description"))
	assert.Equal(t, "p1", value(first, "project_id"))
	assert.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", value(first, "trace_id"))
	assert.Equal(t, "0102030405060708", value(first, "span_id"))
	assert.Equal(t, "j***@example.com", value(first, "preview"))
	assert.Equal(t, "1732600000190000000", value(first, "time_ns"))
	// The alert is the span's second event (index 1): the same id the store gives it.
	assert.Equal(t, alertid.ID("p1", "4bf92f3577b34da6a3ce929d0e0e4736", "0102030405060708", 1, "pii.email"), value(first, "id"))
	assert.Equal(t, "injection.override", value(alerts[1], "rule"))
	assert.Equal(t, alertid.ID("p1", "4bf92f3577b34da6a3ce929d0e0e4736", "0102030405060708", 2, "injection.override"), value(alerts[1], "id"))
}

func TestARetriedBatchRepeatsTheSameAlertIDs(t *testing.T) {
	srv := redistest.Start(t)
	e := startDirect(t, testConfig(t, srv, nil))
	require.NoError(t, e.pushTraces(context.Background(), goldenTraces(t)))
	require.NoError(t, e.pushTraces(context.Background(), goldenTraces(t)))
	alerts := rawEntries(t, srv, DefaultAlertStream)
	require.Len(t, alerts, 4, "at-least-once: the copy is added again")
	assert.Equal(t, value(alerts[0], "id"), value(alerts[2], "id"))
	assert.Equal(t, value(alerts[1], "id"), value(alerts[3], "id"))
	assert.NotEqual(t, value(alerts[0], "id"), value(alerts[1], "id"))
}

func TestOTLPProtoCarriesEachSpanWithItsResourceAndScope(t *testing.T) {
	srv := redistest.Start(t)
	e := startDirect(t, testConfig(t, srv, map[string]any{"format": "otlp_proto"}))
	require.NoError(t, e.pushTraces(context.Background(), goldenTraces(t)))

	entries := rawEntries(t, srv, DefaultSpanStream)
	require.Len(t, entries, 4)
	got := ptrace.NewTraces()
	for _, f := range entries {
		assert.Equal(t, []string{"v", "format", "project_id", "trace_id", "span_id", "otlp"}, names(f))
		assert.Equal(t, "otlp_proto", value(f, "format"))
		req := ptraceotlp.NewExportRequest()
		require.NoError(t, req.UnmarshalProto([]byte(value(f, "otlp"))))
		require.Equal(t, 1, req.Traces().SpanCount(), "one span per message")
		req.Traces().ResourceSpans().MoveAndAppendTo(got.ResourceSpans())
	}
	expectedPath := filepath.Join("testdata", "expected_otlp_messages.yaml")
	if *update {
		require.NoError(t, golden.WriteTracesToFile(expectedPath, got))
	}
	want, err := golden.ReadTraces(expectedPath)
	require.NoError(t, err)
	require.NoError(t, ptracetest.CompareTraces(want, got))
	assert.Len(t, rawEntries(t, srv, DefaultAlertStream), 2, "alerts keep their own format")
}

func TestMaxLenCapsBothStreams(t *testing.T) {
	srv := redistest.Start(t)
	const spanCap, alertCap, batches, perBatch = 200, 50, 30, 40
	e := startDirect(t, testConfig(t, srv, map[string]any{"span_max_len": spanCap, "alert_max_len": alertCap}))
	for b := 0; b < batches; b++ {
		require.NoError(t, e.pushTraces(context.Background(), numbered("p1", b*perBatch, perBatch)))
	}
	c := newClient(t, srv)
	// Approximate trimming removes whole macro nodes only: the stream keeps
	// at least the cap and at most one node (stream-node-max-entries) more.
	nodeMax := int64(100)
	for _, s := range []struct {
		stream string
		cap    int64
	}{{DefaultSpanStream, spanCap}, {DefaultAlertStream, alertCap}} {
		n, err := c.XLen(context.Background(), s.stream).Result()
		require.NoError(t, err)
		assert.GreaterOrEqual(t, n, s.cap, s.stream)
		assert.LessOrEqual(t, n, s.cap+nodeMax, s.stream)
		assert.Less(t, n, int64(batches*perBatch), "%s was trimmed", s.stream)
	}
	ids := streamSpanIDs(t, c, DefaultSpanStream)
	last := numbered("p1", batches*perBatch-1, 1)
	assert.Equal(t, last.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).SpanID().String(), ids[len(ids)-1],
		"trimming drops the oldest entries")
}

func TestZeroMaxLenKeepsEverything(t *testing.T) {
	srv := redistest.Start(t)
	e := startDirect(t, testConfig(t, srv, map[string]any{"span_max_len": 0}))
	for b := 0; b < 5; b++ {
		require.NoError(t, e.pushTraces(context.Background(), numbered("p1", b*100, 100)))
	}
	n, err := newClient(t, srv).XLen(context.Background(), DefaultSpanStream).Result()
	require.NoError(t, err)
	assert.EqualValues(t, 500, n)
}

func TestTwoConsumerGroupsEachGetEveryMessage(t *testing.T) {
	srv := redistest.Start(t)
	c := newClient(t, srv)
	ctx := context.Background()
	for _, g := range []string{"writer", "security"} {
		require.NoError(t, c.XGroupCreateMkStream(ctx, DefaultSpanStream, g, "0").Err())
	}
	e := startDirect(t, testConfig(t, srv, nil))
	const total = 250
	for b := 0; b < total/50; b++ {
		require.NoError(t, e.pushTraces(ctx, numbered("p1", b*50, 50)))
	}
	want := streamSpanIDs(t, c, DefaultSpanStream)
	require.Len(t, want, total)

	for _, g := range []string{"writer", "security"} {
		var got []string
		for {
			res, err := c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: g, Consumer: g + "-1",
				Streams: []string{DefaultSpanStream, ">"}, Count: 64, Block: -1}).Result()
			if errors.Is(err, redis.Nil) {
				break
			}
			require.NoError(t, err)
			var ids []string
			for _, m := range res[0].Messages {
				got = append(got, m.Values["span_id"].(string))
				ids = append(ids, m.ID)
			}
			require.NoError(t, c.XAck(ctx, DefaultSpanStream, g, ids...).Err())
		}
		assert.Equal(t, want, got, "group %s reads every message, in order", g)
		pending, err := c.XPending(ctx, DefaultSpanStream, g).Result()
		require.NoError(t, err)
		assert.Zero(t, pending.Count, "group %s acknowledged everything", g)
	}
}

func TestSpansWithoutAProjectAreAPermanentErrorButTheRestIsSent(t *testing.T) {
	srv := redistest.Start(t)
	e := startDirect(t, testConfig(t, srv, nil))
	td := numbered("p1", 0, 3)
	numbered("", 10, 2).ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	err := e.pushTraces(context.Background(), td)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Len(t, streamSpanIDs(t, newClient(t, srv), DefaultSpanStream), 3)
}

func TestUnreachableRedisIsRetryableAndNotFatalAtStart(t *testing.T) {
	srv := redistest.Start(t)
	cfg := testConfig(t, srv, nil)
	srv.Stop()
	e := startDirect(t, cfg) // must not fail: the queue waits for Redis
	err := e.pushTraces(context.Background(), numbered("p1", 0, 2))
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), "an outage must be retried")
	assert.Contains(t, err.Error(), srv.Addr())
	assert.Contains(t, err.Error(), `adding 2 spans to "spans.ingest"`)

	srv.Start()
	require.NoError(t, e.pushTraces(context.Background(), numbered("p1", 0, 2)), "the client reconnects by itself")
}
