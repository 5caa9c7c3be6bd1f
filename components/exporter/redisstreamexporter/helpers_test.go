package redisstreamexporter

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/agentstack/agentstack/internal/redistest"
	"github.com/agentstack/agentstack/internal/semconv"
)

// testConfig is the default configuration pointed at srv, with overrides
// given the way a user writes them (YAML keys).
func testConfig(t testing.TB, srv *redistest.Server, overrides map[string]any) *Config {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = srv.Addr()
	cfg.Password = "" // set by overrides when wanted
	if overrides != nil {
		require.NoError(t, confmap.NewFromStringMap(overrides).Unmarshal(cfg))
	}
	require.NoError(t, cfg.Validate())
	return cfg
}

// startDirect starts the exporter without the helper's queue and retry, so
// that a push is synchronous.
func startDirect(t testing.TB, cfg *Config) *redisExporter {
	t.Helper()
	e := newRedisExporter(cfg, exportertest.NewNopSettings(Type))
	require.NoError(t, e.start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, e.shutdown(context.Background())) })
	return e
}

// startFull builds the exporter through its factory: retry, queue and all.
func startFull(t testing.TB, cfg *Config) exporter.Traces {
	t.Helper()
	exp, err := NewFactory().CreateTraces(context.Background(), exportertest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	return exp
}

func newClient(t testing.TB, srv *redistest.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), Password: srv.Password()})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func goldenTraces(t testing.TB) ptrace.Traces {
	t.Helper()
	td, err := golden.ReadTraces(filepath.Join("testdata", "traces.yaml"))
	require.NoError(t, err)
	return td
}

// numbered returns n spans of project p with span ids from first on, each
// with one security alert.
func numbered(p string, first, n int) ptrace.Traces { return numberedAlerts(p, first, n, 1) }

// numberedAlerts is numbered with an alert on every alertEvery-th span only.
func numberedAlerts(p string, first, n, alertEvery int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr(semconv.ProjectID, p)
	rs.Resource().Attributes().PutStr(semconv.ServiceName, "load")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	now := pcommon.NewTimestampFromTime(time.Now())
	for i := first; i < first+n; i++ {
		sp := spans.AppendEmpty()
		var tid pcommon.TraceID
		var sid pcommon.SpanID
		binary.BigEndian.PutUint64(tid[8:], uint64(i/10+1))
		binary.BigEndian.PutUint64(sid[:], uint64(i+1))
		sp.SetTraceID(tid)
		sp.SetSpanID(sid)
		sp.SetName("llm.call")
		sp.SetStartTimestamp(now)
		sp.SetEndTimestamp(now + 1000)
		sp.Attributes().PutStr(semconv.GenAIRequestModel, "gpt-4o")
		sp.Attributes().PutInt(semconv.GenAIUsageInputTokens, 120)
		if i%alertEvery != 0 {
			continue
		}
		ev := sp.Events().AppendEmpty()
		ev.SetName(semconv.SecurityAlertEvent)
		ev.Attributes().PutStr(semconv.AlertRule, "pii.email")
		ev.Attributes().PutStr(semconv.AlertSeverity, "medium")
		ev.Attributes().PutInt(semconv.AlertScore, 60)
	}
	return td
}

// streamSpanIDs returns the span_id field of every entry of a stream.
func streamSpanIDs(t testing.TB, c *redis.Client, stream string) []string {
	t.Helper()
	msgs, err := c.XRange(context.Background(), stream, "-", "+").Result()
	require.NoError(t, err)
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i], _ = m.Values["span_id"].(string)
	}
	return out
}
