package store

import (
	"context"
	"fmt"
	"time"
)

// LogRecord is one OTLP log record as stored; Body is JSON.
type LogRecord struct {
	ProjectID          string
	ID                 string
	TraceID            string
	SpanID             string
	TimeNs             int64
	ObservedTimeNs     int64
	SeverityNumber     int
	SeverityText       string
	EventName          string
	Body               []byte
	Attributes         []byte
	ResourceAttributes []byte
	ServiceName        string
	ScopeName          string
}

// LogBatch is what one export of log records writes, atomically.
type LogBatch struct {
	Records []LogRecord
	Alerts  []Alert
}

// LogWriteResult says what a log batch changed.
type LogWriteResult struct {
	Inserted, Duplicates int
	NewAlerts            []*Alert
}

// WriteLogs stores log records and the alerts found in them in one
// transaction, idempotently on record id and alert id, and adds new alerts
// to their traces' roll-ups.
func (s *Store) WriteLogs(ctx context.Context, b LogBatch) (LogWriteResult, error) {
	var res LogWriteResult
	if len(b.Records) == 0 && len(b.Alerts) == 0 {
		return res, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("beginning log write: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO logs(project_id, id, trace_id, span_id, time_ns, observed_time_ns,
		severity_number, severity_text, event_name, body, attributes, resource_attributes, service_name, scope_name, ingested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(project_id, id) DO NOTHING`)
	if err != nil {
		return res, fmt.Errorf("preparing log insert: %w", err)
	}
	defer ins.Close()
	now := time.Now().UnixNano()
	for i := range b.Records {
		r := &b.Records[i]
		out, err := ins.ExecContext(ctx, r.ProjectID, r.ID, r.TraceID, r.SpanID, r.TimeNs, r.ObservedTimeNs,
			r.SeverityNumber, r.SeverityText, r.EventName, orJSON(r.Body, "null"), orJSON(r.Attributes, "{}"),
			orJSON(r.ResourceAttributes, "{}"), r.ServiceName, r.ScopeName, now)
		if err != nil {
			return res, fmt.Errorf("inserting log record %s: %w", r.ID, err)
		}
		if n, _ := out.RowsAffected(); n == 0 {
			res.Duplicates++
		} else {
			res.Inserted++
		}
	}
	touched := traceAggs{}
	newAlerts, err := insertAlerts(ctx, tx, b.Alerts, func(a *Alert) {
		if a.TraceID != "" {
			touched.of(traceKey{a.ProjectID, a.TraceID}).alerts++
		}
	})
	if err != nil {
		return res, err
	}
	res.NewAlerts = newAlerts
	if err := refreshTraces(ctx, tx, touched, now); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("committing %d log records: %w", len(b.Records), err)
	}
	return res, nil
}

// LogsOfTrace returns the log records of a trace (of one span when spanID
// is set), oldest first.
func (s *Store) LogsOfTrace(ctx context.Context, projectID, traceID, spanID string) ([]LogRecord, error) {
	q := `SELECT project_id, id, trace_id, span_id, time_ns, observed_time_ns, severity_number, severity_text,
		event_name, body, attributes, resource_attributes, service_name, scope_name
		FROM logs WHERE project_id = ? AND trace_id = ?`
	args := []any{projectID, traceID}
	if spanID != "" {
		q, args = q+` AND span_id = ?`, append(args, spanID)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY time_ns, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading log records of trace %s: %w", traceID, err)
	}
	defer rows.Close()
	var out []LogRecord
	for rows.Next() {
		var r LogRecord
		var body, attrs, res string
		if err := rows.Scan(&r.ProjectID, &r.ID, &r.TraceID, &r.SpanID, &r.TimeNs, &r.ObservedTimeNs, &r.SeverityNumber,
			&r.SeverityText, &r.EventName, &body, &attrs, &res, &r.ServiceName, &r.ScopeName); err != nil {
			return nil, fmt.Errorf("reading log records of trace %s: %w", traceID, err)
		}
		r.Body, r.Attributes, r.ResourceAttributes = []byte(body), []byte(attrs), []byte(res)
		out = append(out, r)
	}
	return out, rows.Err()
}

// LogCountsOfTrace counts the log records of each span of a trace, without
// reading them, for the trace view's "has content events" marks.
func (s *Store) LogCountsOfTrace(ctx context.Context, projectID, traceID string) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT span_id, COUNT(*) FROM logs WHERE project_id = ? AND trace_id = ? GROUP BY span_id`,
		projectID, traceID)
	if err != nil {
		return nil, fmt.Errorf("counting log records of trace %s: %w", traceID, err)
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var spanID string
		var n int
		if err := rows.Scan(&spanID, &n); err != nil {
			return nil, fmt.Errorf("counting log records of trace %s: %w", traceID, err)
		}
		out[spanID] = n
	}
	return out, rows.Err()
}
