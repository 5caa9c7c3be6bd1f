// Package chstore reads AgentStack's traces from ClickHouse: the contrib
// exporter's otel_traces and otel_logs, and the tables AgentStack's
// materialized views keep beside them (deploy/clickhouse/). It keeps the
// tracestore.Reader contract, the same answers as the embedded store for
// the same spans, with two differences that come from the exporter's
// schema: attribute values are text (ClickHouse maps hold strings), and
// log record ids are derived from the fields otel_logs keeps.
//
// Every statement is parameterized and carries the caller's project
// condition (queries.go).
package chstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/tracestore"
)

// Reader is the ClickHouse trace reader.
type Reader struct {
	conn driver.Conn
}

var _ tracestore.Reader = (*Reader)(nil)

// Open connects with a clickhouse:// DSN (the database in its path holds
// the schema) and checks the server answers.
func Open(ctx context.Context, dsn string) (*Reader, error) {
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		// The parser's message can quote the DSN, password included.
		return nil, errors.New("parsing the ClickHouse DSN: it must look like clickhouse://user:password@host:9000/database")
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("connecting to ClickHouse: %w", err)
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("connecting to ClickHouse at %v: %w", opts.Addr, err)
	}
	return &Reader{conn: conn}, nil
}

// New reads through an open connection.
func New(conn driver.Conn) *Reader { return &Reader{conn: conn} }

// Conn is the underlying connection.
func (r *Reader) Conn() driver.Conn { return r.conn }

// Close closes the connection.
func (r *Reader) Close() error { return r.conn.Close() }

// Ping implements tracestore.Reader.
func (r *Reader) Ping(ctx context.Context) error { return r.conn.Ping(ctx) }

func (r *Reader) count(ctx context.Context, q query, what string) (int, error) {
	var n int64
	if err := r.conn.QueryRow(ctx, q.sql, q.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting %s: %w", what, err)
	}
	return int(n), nil
}

func scanTrace(rows driver.Rows) (store.Trace, error) {
	var t store.Trace
	err := rows.Scan(&t.ProjectID, &t.TraceID, &t.RootSpanName, &t.ServiceName, &t.SessionID, &t.StartNs, &t.EndNs,
		&t.DurationNs, &t.SpanCount, &t.ErrorCount, &t.InputTokens, &t.OutputTokens, &t.TotalTokens, &t.CostUSD,
		&t.AlertCount, &t.Models)
	// groupUniqArray has no order; the embedded store's is arrival order,
	// which a distributed store cannot promise either: sort.
	slices.Sort(t.Models)
	if len(t.Models) == 0 {
		t.Models = nil
	}
	return t, err
}

func (r *Reader) traces(ctx context.Context, q query, what string) ([]store.Trace, error) {
	rows, err := r.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	defer rows.Close()
	out := []store.Trace{}
	for rows.Next() {
		t, err := scanTrace(rows)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", what, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ListTraces implements tracestore.Reader.
func (r *Reader) ListTraces(ctx context.Context, f store.TraceFilter) ([]store.Trace, int, error) {
	if len(f.ProjectIDs) == 0 {
		return nil, 0, nil
	}
	cq, pq := listTraces(f)
	total, err := r.count(ctx, cq, "traces")
	if err != nil {
		return nil, 0, err
	}
	out, err := r.traces(ctx, pq, "traces")
	return out, total, err
}

// GetTrace implements tracestore.Reader.
func (r *Reader) GetTrace(ctx context.Context, projectIDs []string, traceID string) (store.Trace, error) {
	if len(projectIDs) == 0 {
		return store.Trace{}, store.ErrNotFound
	}
	ts, err := r.traces(ctx, getTrace(projectIDs, traceID), "trace "+traceID)
	if err != nil {
		return store.Trace{}, err
	}
	if len(ts) == 0 {
		return store.Trace{}, store.ErrNotFound
	}
	return ts[0], nil
}

// SessionTraces implements tracestore.Reader.
func (r *Reader) SessionTraces(ctx context.Context, projectIDs []string, sessionID string) ([]store.Trace, error) {
	if len(projectIDs) == 0 || sessionID == "" {
		return nil, nil
	}
	return r.traces(ctx, sessionTraces(projectIDs, sessionID), "session "+sessionID)
}

type eventJSON struct {
	Name         string            `json:"name"`
	TimeUnixNano int64             `json:"time_unix_nano"`
	Attributes   map[string]string `json:"attributes"`
}

type linkJSON struct {
	TraceID    string            `json:"trace_id"`
	SpanID     string            `json:"span_id"`
	Attributes map[string]string `json:"attributes"`
}

func mapJSON(m map[string]string) []byte {
	if len(m) == 0 {
		return []byte("{}")
	}
	b, _ := json.Marshal(m)
	return b
}

func (r *Reader) spans(ctx context.Context, q query, what string) ([]store.Span, error) {
	rows, err := r.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	defer rows.Close()
	out := []store.Span{}
	for rows.Next() {
		var sp store.Span
		var kind int64
		var attrs, res map[string]string
		var evTimes []int64
		var evNames, lTrace, lSpan []string
		var evAttrs, lAttrs []map[string]string
		if err := rows.Scan(&sp.ProjectID, &sp.TraceID, &sp.SpanID, &sp.ParentSpanID, &sp.Name, &kind, &sp.StartNs, &sp.EndNs,
			&sp.StatusCode, &sp.StatusMessage, &sp.ServiceName, &sp.ScopeName, &attrs, &res,
			&evTimes, &evNames, &evAttrs, &lTrace, &lSpan, &lAttrs,
			&sp.SessionID, &sp.Model, &sp.InputTokens, &sp.OutputTokens, &sp.TotalTokens, &sp.CostUSD); err != nil {
			return nil, fmt.Errorf("reading %s: %w", what, err)
		}
		sp.Kind = int(kind)
		sp.Attributes, sp.ResourceAttributes = mapJSON(attrs), mapJSON(res)
		sp.Events, sp.Links = []byte("[]"), []byte("[]")
		if len(evNames) > 0 {
			evs := make([]eventJSON, len(evNames))
			for i := range evNames {
				evs[i] = eventJSON{Name: evNames[i], Attributes: map[string]string{}}
				if i < len(evTimes) {
					evs[i].TimeUnixNano = evTimes[i]
				}
				if i < len(evAttrs) && evAttrs[i] != nil {
					evs[i].Attributes = evAttrs[i]
				}
			}
			sp.Events, _ = json.Marshal(evs)
		}
		if len(lTrace) > 0 {
			ls := make([]linkJSON, len(lTrace))
			for i := range lTrace {
				ls[i] = linkJSON{TraceID: lTrace[i], Attributes: map[string]string{}}
				if i < len(lSpan) {
					ls[i].SpanID = lSpan[i]
				}
				if i < len(lAttrs) && lAttrs[i] != nil {
					ls[i].Attributes = lAttrs[i]
				}
			}
			sp.Links, _ = json.Marshal(ls)
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

// SpansOfTrace implements tracestore.Reader.
func (r *Reader) SpansOfTrace(ctx context.Context, projectID, traceID string) ([]store.Span, error) {
	return r.spans(ctx, spansOfTrace(projectID, traceID), "spans of trace "+traceID)
}

// GetSpan implements tracestore.Reader.
func (r *Reader) GetSpan(ctx context.Context, projectIDs []string, spanID string) (store.Span, error) {
	if len(projectIDs) == 0 {
		return store.Span{}, store.ErrNotFound
	}
	sps, err := r.spans(ctx, getSpan(projectIDs, spanID), "span "+spanID)
	if err != nil {
		return store.Span{}, err
	}
	if len(sps) == 0 {
		return store.Span{}, store.ErrNotFound
	}
	return sps[0], nil
}

func (r *Reader) alerts(ctx context.Context, q query, what string) ([]store.Alert, error) {
	rows, err := r.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	defer rows.Close()
	out := []store.Alert{}
	for rows.Next() {
		var a store.Alert
		if err := rows.Scan(&a.ID, &a.ProjectID, &a.TraceID, &a.SpanID, &a.Rule, &a.Type, &a.Severity, &a.Score,
			&a.Description, &a.AttributeKey, &a.Source, &a.Preview, &a.Action, &a.TimeNs); err != nil {
			return nil, fmt.Errorf("reading %s: %w", what, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AlertsOfTrace implements tracestore.Reader.
func (r *Reader) AlertsOfTrace(ctx context.Context, projectID, traceID, spanID string) ([]store.Alert, error) {
	return r.alerts(ctx, alertsOfTrace(projectID, traceID, spanID), "alerts of trace "+traceID)
}

// ListAlerts implements tracestore.Reader.
func (r *Reader) ListAlerts(ctx context.Context, f store.AlertFilter) ([]store.Alert, int, error) {
	if len(f.ProjectIDs) == 0 {
		return nil, 0, nil
	}
	cq, pq := listAlerts(f)
	total, err := r.count(ctx, cq, "alerts")
	if err != nil {
		return nil, 0, err
	}
	out, err := r.alerts(ctx, pq, "alerts")
	return out, total, err
}

// ListSessions implements tracestore.Reader.
func (r *Reader) ListSessions(ctx context.Context, f store.SessionFilter) ([]store.Session, int, error) {
	if len(f.ProjectIDs) == 0 {
		return nil, 0, nil
	}
	cq, pq := listSessions(f)
	total, err := r.count(ctx, cq, "sessions")
	if err != nil {
		return nil, 0, err
	}
	rows, err := r.conn.Query(ctx, pq.sql, pq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("listing sessions: %w", err)
	}
	defer rows.Close()
	out := []store.Session{}
	for rows.Next() {
		var x store.Session
		if err := rows.Scan(&x.ProjectID, &x.SessionID, &x.TraceCount, &x.ErrorCount, &x.FirstNs, &x.LastNs,
			&x.InputTokens, &x.OutputTokens, &x.TotalTokens, &x.CostUSD, &x.AlertCount); err != nil {
			return nil, 0, fmt.Errorf("reading session: %w", err)
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

// CostSeries implements tracestore.Reader.
func (r *Reader) CostSeries(ctx context.Context, projectIDs []string, startNs, endNs, bucketNs int64) ([]store.CostPoint, error) {
	if len(projectIDs) == 0 {
		return []store.CostPoint{}, nil
	}
	if bucketNs <= 0 {
		return nil, errors.New("cost series: bucket must be positive")
	}
	q := costSeries(projectIDs, startNs, endNs, bucketNs)
	rows, err := r.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading cost series: %w", err)
	}
	defer rows.Close()
	out := []store.CostPoint{}
	for rows.Next() {
		var p store.CostPoint
		if err := rows.Scan(&p.BucketNs, &p.Model, &p.Calls, &p.InputTokens, &p.OutputTokens, &p.TotalTokens, &p.CostUSD); err != nil {
			return nil, fmt.Errorf("reading cost point: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Summarize implements tracestore.Reader.
func (r *Reader) Summarize(ctx context.Context, projectIDs []string, startNs, endNs int64) (store.Summary, error) {
	var s store.Summary
	if len(projectIDs) == 0 {
		return s, nil
	}
	tq, aq := summarize(projectIDs, startNs, endNs)
	if err := r.conn.QueryRow(ctx, tq.sql, tq.args...).Scan(&s.TraceCount, &s.ErrorTraces, &s.SpanCount, &s.P50Ns, &s.P95Ns,
		&s.InputTokens, &s.OutputTokens, &s.TotalTokens, &s.CostUSD); err != nil {
		return s, fmt.Errorf("summarizing traces: %w", err)
	}
	if err := r.conn.QueryRow(ctx, aq.sql, aq.args...).Scan(&s.AlertCount); err != nil {
		return s, fmt.Errorf("counting alerts: %w", err)
	}
	return s, nil
}

// LogsOfTrace implements tracestore.Reader from otel_logs. The id is a
// digest of the fields otel_logs keeps, stable across reads.
func (r *Reader) LogsOfTrace(ctx context.Context, projectID, traceID, spanID string) ([]store.LogRecord, error) {
	q := logsOfTrace(semconv.ProjectID, projectID, traceID, spanID)
	rows, err := r.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading log records of trace %s: %w", traceID, err)
	}
	defer rows.Close()
	var out []store.LogRecord
	for rows.Next() {
		rec := store.LogRecord{ProjectID: projectID}
		var sev int64
		var body string
		var attrs, res map[string]string
		if err := rows.Scan(&rec.TraceID, &rec.SpanID, &rec.TimeNs, &sev, &rec.SeverityText, &rec.EventName, &body,
			&attrs, &res, &rec.ServiceName, &rec.ScopeName); err != nil {
			return nil, fmt.Errorf("reading log records of trace %s: %w", traceID, err)
		}
		rec.SeverityNumber = int(sev)
		rec.ObservedTimeNs = rec.TimeNs
		rec.Body, _ = json.Marshal(body)
		rec.Attributes, rec.ResourceAttributes = mapJSON(attrs), mapJSON(res)
		if rec.EventName == "" {
			rec.EventName = attrs[semconv.EventName]
		}
		rec.ID = logID(rec)
		out = append(out, rec)
	}
	return out, rows.Err()
}

// LogCountsOfTrace implements tracestore.Reader.
func (r *Reader) LogCountsOfTrace(ctx context.Context, projectID, traceID string) (map[string]int, error) {
	q := logCountsOfTrace(semconv.ProjectID, projectID, traceID)
	rows, err := r.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("counting log records of trace %s: %w", traceID, err)
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var spanID string
		var n int64
		if err := rows.Scan(&spanID, &n); err != nil {
			return nil, fmt.Errorf("counting log records of trace %s: %w", traceID, err)
		}
		out[spanID] = int(n)
	}
	return out, rows.Err()
}

func logID(r store.LogRecord) string {
	h := sha256.New()
	for _, s := range []string{r.TraceID, r.SpanID, strconv.FormatInt(r.TimeNs, 10), strconv.Itoa(r.SeverityNumber),
		r.EventName, string(r.Body), string(r.Attributes)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// TimeSeries implements tracestore.Reader.
func (r *Reader) TimeSeries(ctx context.Context, projectIDs []string, startNs, endNs, bucketNs int64) ([]store.TimePoint, error) {
	if len(projectIDs) == 0 {
		return []store.TimePoint{}, nil
	}
	if bucketNs <= 0 {
		return nil, errors.New("time series: bucket must be positive")
	}
	q := timeSeries(projectIDs, startNs, endNs, bucketNs)
	rows, err := r.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("reading time series: %w", err)
	}
	defer rows.Close()
	out := []store.TimePoint{}
	for rows.Next() {
		var p store.TimePoint
		if err := rows.Scan(&p.BucketNs, &p.TraceCount, &p.ErrorTraces, &p.P50Ns, &p.P95Ns, &p.TotalTokens, &p.CostUSD, &p.AlertCount); err != nil {
			return nil, fmt.Errorf("reading time point: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
