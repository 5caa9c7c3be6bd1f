package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Span is one span as stored. JSON columns hold already-encoded JSON.
type Span struct {
	ProjectID          string
	TraceID            string
	SpanID             string
	ParentSpanID       string
	Name               string
	Kind               int
	StartNs            int64
	EndNs              int64
	StatusCode         string
	StatusMessage      string
	ServiceName        string
	ScopeName          string
	Attributes         []byte
	Events             []byte
	Links              []byte
	ResourceAttributes []byte
	SessionID          string
	Model              string
	InputTokens        int64
	OutputTokens       int64
	TotalTokens        int64
	CostUSD            float64
}

// Alert is one security finding on a span.
type Alert struct {
	ID           string
	ProjectID    string
	TraceID      string
	SpanID       string
	Rule         string
	Type         string
	Severity     string
	Score        int64
	Description  string
	AttributeKey string
	Source       string
	Preview      string
	Action       string
	TimeNs       int64
}

// Batch is what one export call writes, atomically.
type Batch struct {
	Spans  []Span
	Alerts []Alert
}

// WriteResult says what a batch changed.
type WriteResult struct {
	// Inserted counts spans new to the store; Duplicates counts spans that
	// were already there (a retried or replayed batch).
	Inserted   int
	Duplicates int
	// NewSpans are the spans that were inserted, for the live feed.
	NewSpans []*Span
	// NewAlerts are the alerts that were inserted.
	NewAlerts []*Alert
}

type traceKey struct{ project, trace string }

type costKey struct {
	project, model string
	hour           int64
}

type costAgg struct {
	calls, in, out, total int64
	usd                   float64
}

// WriteBatch stores spans and alerts in one transaction. It is idempotent on
// (project, trace id, span id) and on alert id, so a retried batch never
// duplicates anything, and it refreshes the roll-ups of every trace touched.
func (s *Store) WriteBatch(ctx context.Context, b Batch) (WriteResult, error) {
	var res WriteResult
	if len(b.Spans) == 0 && len(b.Alerts) == 0 {
		return res, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("beginning write: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	insSpan, err := tx.PrepareContext(ctx, `INSERT INTO spans(project_id, trace_id, span_id, parent_span_id, name, kind,
		start_time_ns, end_time_ns, duration_ns, status_code, status_message, service_name, scope_name,
		attributes, events, links, resource_attributes, session_id, model, input_tokens, output_tokens, total_tokens, cost_usd, ingested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(project_id, trace_id, span_id) DO NOTHING`)
	if err != nil {
		return res, fmt.Errorf("preparing span insert: %w", err)
	}
	defer insSpan.Close()

	now := time.Now().UnixNano()
	touched := make(map[traceKey]struct{})
	costs := make(map[costKey]*costAgg)
	for i := range b.Spans {
		sp := &b.Spans[i]
		r, err := insSpan.ExecContext(ctx, sp.ProjectID, sp.TraceID, sp.SpanID, sp.ParentSpanID, sp.Name, sp.Kind,
			sp.StartNs, sp.EndNs, sp.EndNs-sp.StartNs, sp.StatusCode, sp.StatusMessage, sp.ServiceName, sp.ScopeName,
			orJSON(sp.Attributes, "{}"), orJSON(sp.Events, "[]"), orJSON(sp.Links, "[]"), orJSON(sp.ResourceAttributes, "{}"),
			sp.SessionID, sp.Model, sp.InputTokens, sp.OutputTokens, sp.TotalTokens, sp.CostUSD, now)
		if err != nil {
			return res, fmt.Errorf("inserting span %s of trace %s: %w", sp.SpanID, sp.TraceID, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			res.Duplicates++
			continue
		}
		res.Inserted++
		res.NewSpans = append(res.NewSpans, sp)
		touched[traceKey{sp.ProjectID, sp.TraceID}] = struct{}{}
		if sp.Model != "" || sp.CostUSD != 0 {
			k := costKey{sp.ProjectID, sp.Model, sp.StartNs - sp.StartNs%int64(time.Hour)}
			a := costs[k]
			if a == nil {
				a = &costAgg{}
				costs[k] = a
			}
			a.calls++
			a.in += sp.InputTokens
			a.out += sp.OutputTokens
			a.total += sp.TotalTokens
			a.usd += sp.CostUSD
		}
	}

	if len(b.Alerts) > 0 {
		insAlert, err := tx.PrepareContext(ctx, `INSERT INTO alerts(id, project_id, trace_id, span_id, rule, type, severity, score,
			description, attribute_key, source, preview, action, created_at_ns)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`)
		if err != nil {
			return res, fmt.Errorf("preparing alert insert: %w", err)
		}
		defer insAlert.Close()
		for i := range b.Alerts {
			a := &b.Alerts[i]
			r, err := insAlert.ExecContext(ctx, a.ID, a.ProjectID, a.TraceID, a.SpanID, a.Rule, a.Type, a.Severity, a.Score,
				a.Description, a.AttributeKey, a.Source, a.Preview, a.Action, a.TimeNs)
			if err != nil {
				return res, fmt.Errorf("inserting alert %s on span %s: %w", a.Rule, a.SpanID, err)
			}
			if n, _ := r.RowsAffected(); n > 0 {
				res.NewAlerts = append(res.NewAlerts, a)
				touched[traceKey{a.ProjectID, a.TraceID}] = struct{}{}
			}
		}
	}

	if err := refreshTraces(ctx, tx, touched, now); err != nil {
		return res, err
	}
	if err := addCosts(ctx, tx, costs); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("committing %d spans: %w", len(b.Spans), err)
	}
	return res, nil
}

func orJSON(b []byte, empty string) string {
	if len(b) == 0 {
		return empty
	}
	return string(b)
}

// refreshTraces recomputes the roll-up of each touched trace from its spans.
// Recomputing (rather than adding) keeps the roll-up right whatever order
// and however often the spans of a trace arrive.
func refreshTraces(ctx context.Context, tx *sql.Tx, touched map[traceKey]struct{}, now int64) error {
	if len(touched) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, refreshTraceSQL)
	if err != nil {
		return fmt.Errorf("preparing trace roll-up: %w", err)
	}
	defer stmt.Close()
	for k := range touched {
		if _, err := stmt.ExecContext(ctx, now, k.project, k.trace); err != nil {
			return fmt.Errorf("rolling up trace %s: %w", k.trace, err)
		}
	}
	return nil
}

// The root is the span without a parent; while it has not arrived, the
// earliest span stands in so the list still shows a name.
const refreshTraceSQL = `INSERT INTO traces(project_id, trace_id, root_span_name, service_name, session_id,
	start_time_ns, end_time_ns, duration_ns, span_count, error_count, input_tokens, output_tokens, total_tokens,
	cost_usd, alert_count, models, updated_at)
SELECT s.project_id, s.trace_id,
	COALESCE((SELECT r.name FROM spans r WHERE r.project_id = s.project_id AND r.trace_id = s.trace_id
		ORDER BY r.parent_span_id != '', r.start_time_ns LIMIT 1), ''),
	COALESCE((SELECT r.service_name FROM spans r WHERE r.project_id = s.project_id AND r.trace_id = s.trace_id
		ORDER BY r.parent_span_id != '', r.start_time_ns LIMIT 1), ''),
	COALESCE(MAX(NULLIF(s.session_id, '')), ''),
	MIN(s.start_time_ns), MAX(s.end_time_ns), MAX(s.end_time_ns) - MIN(s.start_time_ns),
	COUNT(*), SUM(s.status_code = 'ERROR'),
	SUM(s.input_tokens), SUM(s.output_tokens), SUM(s.total_tokens), SUM(s.cost_usd),
	(SELECT COUNT(*) FROM alerts a WHERE a.project_id = s.project_id AND a.trace_id = s.trace_id),
	COALESCE((SELECT group_concat(m, ',') FROM (SELECT DISTINCT r.model AS m FROM spans r
		WHERE r.project_id = s.project_id AND r.trace_id = s.trace_id AND r.model != '' ORDER BY 1)), ''),
	?1
FROM spans s WHERE s.project_id = ?2 AND s.trace_id = ?3
GROUP BY s.project_id, s.trace_id
ON CONFLICT(project_id, trace_id) DO UPDATE SET
	root_span_name = excluded.root_span_name, service_name = excluded.service_name, session_id = excluded.session_id,
	start_time_ns = excluded.start_time_ns, end_time_ns = excluded.end_time_ns, duration_ns = excluded.duration_ns,
	span_count = excluded.span_count, error_count = excluded.error_count, input_tokens = excluded.input_tokens,
	output_tokens = excluded.output_tokens, total_tokens = excluded.total_tokens, cost_usd = excluded.cost_usd,
	alert_count = excluded.alert_count, models = excluded.models, updated_at = excluded.updated_at`

func addCosts(ctx context.Context, tx *sql.Tx, costs map[costKey]*costAgg) error {
	if len(costs) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO cost_hourly(project_id, model, hour_ns, calls, input_tokens, output_tokens, total_tokens, cost_usd)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(project_id, model, hour_ns) DO UPDATE SET calls = calls + excluded.calls,
			input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
			total_tokens = total_tokens + excluded.total_tokens, cost_usd = cost_usd + excluded.cost_usd`)
	if err != nil {
		return fmt.Errorf("preparing cost roll-up: %w", err)
	}
	defer stmt.Close()
	for k, a := range costs {
		if _, err := stmt.ExecContext(ctx, k.project, k.model, k.hour, a.calls, a.in, a.out, a.total, a.usd); err != nil {
			return fmt.Errorf("adding cost of %s: %w", k.model, err)
		}
	}
	return nil
}
