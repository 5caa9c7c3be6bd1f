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

// traceAggs holds what one batch adds to each trace it touches.
type traceAggs map[traceKey]*traceAgg

// of returns the share of trace k, starting it when the batch first
// touches k.
func (t traceAggs) of(k traceKey) *traceAgg {
	a := t[k]
	if a == nil {
		a = &traceAgg{}
		t[k] = a
	}
	return a
}

// traceAgg is what one batch adds to a trace's roll-up.
type traceAgg struct {
	hasRoot                 bool
	rootName, service, sess string
	rootStart               int64
	start, end              int64
	spans, errors           int64
	in, out, total, alerts  int64
	usd                     float64
	models                  map[string]struct{}
}

func (a *traceAgg) addSpan(sp *Span) {
	isRoot := sp.ParentSpanID == ""
	// The root names the trace; until it arrives the earliest span does.
	if (isRoot && (!a.hasRoot || sp.StartNs < a.rootStart)) || (!isRoot && !a.hasRoot && (a.spans == 0 || sp.StartNs < a.rootStart)) {
		a.rootName, a.service, a.rootStart = sp.Name, sp.ServiceName, sp.StartNs
		if sp.SessionID != "" || isRoot {
			a.sess = sp.SessionID
		}
	}
	if isRoot {
		a.hasRoot = true
	}
	if a.sess == "" {
		a.sess = sp.SessionID
	}
	if a.spans == 0 || sp.StartNs < a.start {
		a.start = sp.StartNs
	}
	if sp.EndNs > a.end {
		a.end = sp.EndNs
	}
	a.spans++
	if sp.StatusCode == "ERROR" {
		a.errors++
	}
	a.in += sp.InputTokens
	a.out += sp.OutputTokens
	a.total += sp.TotalTokens
	a.usd += sp.CostUSD
	if sp.Model != "" {
		if a.models == nil {
			a.models = make(map[string]struct{})
		}
		a.models[sp.Model] = struct{}{}
	}
}

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
	touched := traceAggs{}
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
		touched.of(traceKey{sp.ProjectID, sp.TraceID}).addSpan(sp)
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

	newAlerts, err := insertAlerts(ctx, tx, b.Alerts, func(a *Alert) {
		touched.of(traceKey{a.ProjectID, a.TraceID}).alerts++
	})
	if err != nil {
		return res, err
	}
	res.NewAlerts = newAlerts

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

// insertAlerts inserts alerts, ignoring those already stored, and calls
// added for each new one.
func insertAlerts(ctx context.Context, tx *sql.Tx, alerts []Alert, added func(*Alert)) ([]*Alert, error) {
	if len(alerts) == 0 {
		return nil, nil
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO alerts(id, project_id, trace_id, span_id, rule, type, severity, score,
		description, attribute_key, source, preview, action, created_at_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`)
	if err != nil {
		return nil, fmt.Errorf("preparing alert insert: %w", err)
	}
	defer ins.Close()
	var out []*Alert
	for i := range alerts {
		a := &alerts[i]
		r, err := ins.ExecContext(ctx, a.ID, a.ProjectID, a.TraceID, a.SpanID, a.Rule, a.Type, a.Severity, a.Score,
			a.Description, a.AttributeKey, a.Source, a.Preview, a.Action, a.TimeNs)
		if err != nil {
			return nil, fmt.Errorf("inserting alert %s on span %s: %w", a.Rule, a.SpanID, err)
		}
		if n, _ := r.RowsAffected(); n > 0 {
			out = append(out, a)
			added(a)
		}
	}
	return out, nil
}

func orJSON(b []byte, empty string) string {
	if len(b) == 0 {
		return empty
	}
	return string(b)
}

// refreshTraces adds each batch's share to the roll-up of every trace it
// touched. Only spans and alerts new to the store are counted (inserts are
// idempotent), so adding is exact whatever order and however often the
// spans of a trace arrive, and it reads nothing back.
func refreshTraces(ctx context.Context, tx *sql.Tx, touched traceAggs, now int64) error {
	if len(touched) == 0 {
		return nil
	}
	upsert, err := tx.PrepareContext(ctx, upsertTraceSQL)
	if err != nil {
		return fmt.Errorf("preparing trace roll-up: %w", err)
	}
	defer upsert.Close()
	var addModel *sql.Stmt
	for k, a := range touched {
		if _, err := upsert.ExecContext(ctx, k.project, k.trace, a.rootName, a.service, a.sess, a.start, a.end,
			a.spans, a.errors, a.in, a.out, a.total, a.usd, a.alerts, a.hasRoot, now); err != nil {
			return fmt.Errorf("rolling up trace %s: %w", k.trace, err)
		}
		for m := range a.models {
			if addModel == nil {
				if addModel, err = tx.PrepareContext(ctx, addModelSQL); err != nil {
					return fmt.Errorf("preparing trace models: %w", err)
				}
				defer addModel.Close()
			}
			if _, err := addModel.ExecContext(ctx, m, k.project, k.trace); err != nil {
				return fmt.Errorf("adding model %s to trace %s: %w", m, k.trace, err)
			}
		}
	}
	return nil
}

// A batch without spans (alerts found in log records) has no times: it must
// not move them; a row made by such a batch takes the first real times.
const upsertTraceSQL = `INSERT INTO traces(project_id, trace_id, root_span_name, service_name, session_id,
	start_time_ns, end_time_ns, duration_ns, span_count, error_count, input_tokens, output_tokens, total_tokens,
	cost_usd, alert_count, has_root, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7 - ?6, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
ON CONFLICT(project_id, trace_id) DO UPDATE SET
	root_span_name = CASE WHEN excluded.span_count = 0 THEN root_span_name
		WHEN span_count = 0 THEN excluded.root_span_name
		WHEN excluded.has_root AND NOT has_root THEN excluded.root_span_name
		WHEN NOT has_root AND NOT excluded.has_root AND excluded.start_time_ns < start_time_ns THEN excluded.root_span_name
		ELSE root_span_name END,
	service_name = CASE WHEN excluded.span_count = 0 THEN service_name
		WHEN span_count = 0 THEN excluded.service_name
		WHEN excluded.has_root AND NOT has_root THEN excluded.service_name
		WHEN NOT has_root AND NOT excluded.has_root AND excluded.start_time_ns < start_time_ns THEN excluded.service_name
		ELSE service_name END,
	session_id = CASE WHEN excluded.has_root AND NOT has_root AND excluded.session_id != '' THEN excluded.session_id
		WHEN session_id = '' THEN excluded.session_id ELSE session_id END,
	start_time_ns = CASE WHEN excluded.span_count = 0 THEN start_time_ns WHEN span_count = 0 THEN excluded.start_time_ns
		ELSE MIN(start_time_ns, excluded.start_time_ns) END,
	end_time_ns = CASE WHEN excluded.span_count = 0 THEN end_time_ns WHEN span_count = 0 THEN excluded.end_time_ns
		ELSE MAX(end_time_ns, excluded.end_time_ns) END,
	duration_ns = CASE WHEN excluded.span_count = 0 THEN duration_ns WHEN span_count = 0 THEN excluded.duration_ns
		ELSE MAX(end_time_ns, excluded.end_time_ns) - MIN(start_time_ns, excluded.start_time_ns) END,
	span_count = span_count + excluded.span_count,
	error_count = error_count + excluded.error_count,
	input_tokens = input_tokens + excluded.input_tokens,
	output_tokens = output_tokens + excluded.output_tokens,
	total_tokens = total_tokens + excluded.total_tokens,
	cost_usd = cost_usd + excluded.cost_usd,
	alert_count = alert_count + excluded.alert_count,
	has_root = has_root OR excluded.has_root,
	updated_at = excluded.updated_at`

const addModelSQL = `UPDATE traces SET models = CASE
		WHEN models = '' THEN ?1
		WHEN instr(',' || models || ',', ',' || ?1 || ',') > 0 THEN models
		ELSE models || ',' || ?1 END
	WHERE project_id = ?2 AND trace_id = ?3`

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
