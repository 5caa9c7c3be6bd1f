package chstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/goleak"

	clickhouseschema "github.com/agentstack/agentstack/deploy/clickhouse"
	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/tracestore"
	"github.com/agentstack/agentstack/internal/tracestore/tracestoretest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const dsnEnv = "AGENTSTACK_CLICKHOUSE_DSN"

// testDB creates a fresh database on the server named by
// AGENTSTACK_CLICKHOUSE_DSN, applies the schema and returns a connection to
// it. ClickHouse cannot be installed on these machines, so without the
// variable the test says so and skips.
func testDB(t *testing.T) driver.Conn {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		t.Skip("skipped: set AGENTSTACK_CLICKHOUSE_DSN to run")
	}
	ctx := context.Background()
	opts, err := clickhouse.ParseDSN(dsn)
	require.NoError(t, err)
	admin, err := clickhouse.Open(opts)
	require.NoError(t, err)
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := "agentstack_test_" + hex.EncodeToString(b[:])
	require.NoError(t, admin.Exec(ctx, "CREATE DATABASE "+db))
	t.Cleanup(func() {
		c, err := clickhouse.Open(opts)
		if err == nil {
			_ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
			_ = c.Close()
		}
	})
	opts.Auth.Database = db
	conn, err := clickhouse.Open(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	applied := func(ctx context.Context) (map[int]bool, error) { return AppliedVersions(ctx, conn) }
	_, err = clickhouseschema.Migrate(ctx, conn, applied, clickhouseschema.DefaultTTLDays, true)
	require.NoError(t, err)
	// A second run applies nothing and fails on nothing.
	names, err := clickhouseschema.Migrate(ctx, conn, applied, clickhouseschema.DefaultTTLDays, false)
	require.NoError(t, err)
	require.Empty(t, names)
	return conn
}

// insertLikeExporter writes spans into otel_traces with the columns and
// value forms of the contrib clickhouse exporter (v0.161.0).
func insertLikeExporter(ctx context.Context, conn driver.Conn, td ptrace.Traces) error {
	batch, err := conn.PrepareBatch(ctx, `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, TraceState,
		SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode,
		StatusMessage, Events.Timestamp, Events.Name, Events.Attributes, Links.TraceId, Links.SpanId, Links.TraceState,
		Links.Attributes)`)
	if err != nil {
		return err
	}
	strMap := func(m pcommon.Map) map[string]string {
		out := make(map[string]string, m.Len())
		m.Range(func(k string, v pcommon.Value) bool { out[k] = v.AsString(); return true })
		return out
	}
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		res := strMap(rs.Resource().Attributes())
		for j := 0; j < rs.ScopeSpans().Len(); j++ {
			ss := rs.ScopeSpans().At(j)
			for k := 0; k < ss.Spans().Len(); k++ {
				sp := ss.Spans().At(k)
				var evT []time.Time
				var evN []string
				var evA []map[string]string
				for e := 0; e < sp.Events().Len(); e++ {
					ev := sp.Events().At(e)
					evT = append(evT, ev.Timestamp().AsTime())
					evN = append(evN, ev.Name())
					evA = append(evA, strMap(ev.Attributes()))
				}
				parent := ""
				if !sp.ParentSpanID().IsEmpty() {
					parent = sp.ParentSpanID().String()
				}
				if err := batch.Append(sp.StartTimestamp().AsTime(), sp.TraceID().String(), sp.SpanID().String(), parent,
					sp.TraceState().AsRaw(), sp.Name(), sp.Kind().String(), res[semconv.ServiceName], res, ss.Scope().Name(),
					ss.Scope().Version(), strMap(sp.Attributes()), uint64(sp.EndTimestamp()-sp.StartTimestamp()),
					sp.Status().Code().String(), sp.Status().Message(), evT, evN, evA,
					[]string{}, []string{}, []string{}, []map[string]string{}); err != nil {
					return err
				}
			}
		}
	}
	return batch.Send()
}

func TestClickHouseReaderConformance(t *testing.T) {
	tracestoretest.Run(t, func(t *testing.T) (tracestore.Reader, tracestoretest.Loader) {
		conn := testDB(t)
		return New(conn), func(ctx context.Context, td ptrace.Traces) error { return insertLikeExporter(ctx, conn, td) }
	})
}
