package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Every read below takes the set of projects the caller may see and filters
// on it in SQL, so that no row of another tenant ever leaves the database.
// An empty set reads nothing.

// Trace is a row of the traces roll-up.
type Trace struct {
	ProjectID    string
	TraceID      string
	RootSpanName string
	ServiceName  string
	SessionID    string
	StartNs      int64
	EndNs        int64
	DurationNs   int64
	SpanCount    int64
	ErrorCount   int64
	InputTokens  int64
	OutputTokens int64
	TotalTokens  int64
	CostUSD      float64
	AlertCount   int64
	Models       []string
}

// Sort keys of ListTraces.
const (
	SortStartTime = "start_time"
	SortDuration  = "duration"
	SortCost      = "cost"
	SortSpanCount = "span_count"
)

var traceSortColumns = map[string]string{
	SortStartTime: "start_time_ns",
	SortDuration:  "duration_ns",
	SortCost:      "cost_usd",
	SortSpanCount: "span_count",
}

// ValidTraceSort reports whether key is a sort key ListTraces accepts.
func ValidTraceSort(key string) bool {
	_, ok := traceSortColumns[key]
	return ok
}

// TraceFilter selects traces; zero fields do not filter.
type TraceFilter struct {
	ProjectIDs []string
	// Status is "ok" (no span in error) or "error" (at least one).
	Status  string
	Service string
	// Name is the root span's name.
	Name  string
	Model string
	// StartNs and EndNs bound the trace's start time (inclusive).
	StartNs       int64
	EndNs         int64
	MinDurationNs int64
	MinCostUSD    float64
	// HasAlerts, when set, keeps traces with (true) or without (false) alerts.
	HasAlerts *bool
	// Query is free text matched against the names of the trace's spans.
	Query string
	// Sort is one of the Sort* keys (default start_time); Asc reverses the
	// default descending order.
	Sort   string
	Asc    bool
	Limit  int
	Offset int
}

const traceColumns = `project_id, trace_id, root_span_name, service_name, session_id, start_time_ns, end_time_ns,
	duration_ns, span_count, error_count, input_tokens, output_tokens, total_tokens, cost_usd, alert_count, models`

func scanTraces(rows *sql.Rows) ([]Trace, error) {
	defer rows.Close()
	out := []Trace{}
	for rows.Next() {
		t, err := scanTrace(rows)
		if err != nil {
			return nil, fmt.Errorf("reading trace: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func scanTrace(sc interface{ Scan(...any) error }) (Trace, error) {
	var t Trace
	var models string
	err := sc.Scan(&t.ProjectID, &t.TraceID, &t.RootSpanName, &t.ServiceName, &t.SessionID, &t.StartNs, &t.EndNs,
		&t.DurationNs, &t.SpanCount, &t.ErrorCount, &t.InputTokens, &t.OutputTokens, &t.TotalTokens, &t.CostUSD,
		&t.AlertCount, &models)
	if models != "" {
		t.Models = strings.Split(models, ",")
	}
	return t, err
}

// inClause returns "col IN (?, ?, …)" and its arguments.
func inClause(col string, values []string) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ") + ")", args
}

// PageLimit is the number of rows a page of a list read holds when its
// filter asks for limit: the default page when limit is not positive. Every
// trace reader pages alike through it.
func PageLimit(limit int) int {
	if limit <= 0 {
		return 50
	}
	return limit
}

// escapeLike escapes LIKE's wildcards so free text matches literally.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// ListTraces returns one page of traces and the number of traces matching
// the filter.
func (s *Store) ListTraces(ctx context.Context, f TraceFilter) ([]Trace, int, error) {
	if len(f.ProjectIDs) == 0 {
		return nil, 0, nil
	}
	in, args := inClause("t.project_id", f.ProjectIDs)
	where := []string{in}
	switch f.Status {
	case "ok":
		where = append(where, "t.error_count = 0")
	case "error":
		where = append(where, "t.error_count > 0")
	}
	if f.Service != "" {
		where, args = append(where, "t.service_name = ?"), append(args, f.Service)
	}
	if f.Name != "" {
		where, args = append(where, "t.root_span_name = ?"), append(args, f.Name)
	}
	if f.Model != "" {
		where, args = append(where, `(',' || t.models || ',') LIKE ? ESCAPE '\'`), append(args, "%,"+escapeLike(f.Model)+",%")
	}
	if f.StartNs != 0 {
		where, args = append(where, "t.start_time_ns >= ?"), append(args, f.StartNs)
	}
	if f.EndNs != 0 {
		where, args = append(where, "t.start_time_ns <= ?"), append(args, f.EndNs)
	}
	if f.MinDurationNs > 0 {
		where, args = append(where, "t.duration_ns >= ?"), append(args, f.MinDurationNs)
	}
	if f.MinCostUSD > 0 {
		where, args = append(where, "t.cost_usd >= ?"), append(args, f.MinCostUSD)
	}
	if f.HasAlerts != nil {
		if *f.HasAlerts {
			where = append(where, "t.alert_count > 0")
		} else {
			where = append(where, "t.alert_count = 0")
		}
	}
	if f.Query != "" {
		where = append(where, `EXISTS (SELECT 1 FROM spans s WHERE s.project_id = t.project_id AND s.trace_id = t.trace_id
			AND s.name LIKE ? ESCAPE '\')`)
		args = append(args, "%"+escapeLike(f.Query)+"%")
	}
	filtered := len(where) > 1
	// The project condition is first; the page query repeats the others
	// once per project.
	filterArgs := args[len(f.ProjectIDs):]
	cond := strings.Join(where, " AND ")

	total, err := s.countTraces(ctx, f.ProjectIDs, filtered, cond, args)
	if err != nil {
		return nil, 0, err
	}
	col, ok := traceSortColumns[f.Sort]
	if !ok {
		col = traceSortColumns[SortStartTime]
	}
	// The tie-breaker runs against the key: the indexes end with the
	// primary key's trace_id ascending, so (key DESC, trace_id ASC) and its
	// reverse are read straight from an index, where (key DESC, trace_id
	// DESC) makes SQLite sort the whole project.
	dir, tie := "DESC", "ASC"
	if f.Asc {
		dir, tie = "ASC", "DESC"
	}
	limit := PageLimit(f.Limit)
	order := ` ORDER BY ` + col + ` ` + dir + `, trace_id ` + tie
	// With several projects, one sorted, limited read per project (each
	// walks its (project_id, key) index) merged by an outer sort beats
	// sorting every trace of every project: SQLite cannot merge an IN list
	// in index order itself.
	var q string
	var qargs []any
	if len(f.ProjectIDs) == 1 {
		q, qargs = `SELECT `+traceColumns+` FROM traces t WHERE `+cond+order+` LIMIT ? OFFSET ?`, append(args, limit, f.Offset)
	} else {
		rest := strings.Join(where[1:], " AND ")
		if rest != "" {
			rest = " AND " + rest
		}
		parts := make([]string, len(f.ProjectIDs))
		for i, p := range f.ProjectIDs {
			parts[i] = `SELECT * FROM (SELECT ` + traceColumns + ` FROM traces t WHERE t.project_id = ?` + rest + order + ` LIMIT ?)`
			qargs = append(qargs, p)
			qargs = append(qargs, filterArgs...)
			qargs = append(qargs, limit+f.Offset)
		}
		q = `SELECT * FROM (` + strings.Join(parts, " UNION ALL ") + `)` + order + ` LIMIT ? OFFSET ?`
		qargs = append(qargs, limit, f.Offset)
	}
	rows, err := s.r.QueryContext(ctx, q, qargs...)
	if err != nil {
		return nil, 0, fmt.Errorf("listing traces: %w", err)
	}
	out, err := scanTraces(rows)
	return out, total, err
}

// countTraces counts the traces matching cond. Without filters the count
// comes from project_stats, kept by triggers, instead of a scan.
func (s *Store) countTraces(ctx context.Context, projectIDs []string, filtered bool, cond string, args []any) (int, error) {
	var total int
	if !filtered {
		in, inArgs := inClause("project_id", projectIDs)
		err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(trace_count), 0) FROM project_stats WHERE `+in, inArgs...).Scan(&total)
		if err != nil {
			return 0, fmt.Errorf("counting traces: %w", err)
		}
		return total, nil
	}
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM traces t WHERE `+cond, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("counting traces: %w", err)
	}
	return total, nil
}

// GetTrace returns the roll-up of one trace among the given projects.
func (s *Store) GetTrace(ctx context.Context, projectIDs []string, traceID string) (Trace, error) {
	if len(projectIDs) == 0 {
		return Trace{}, ErrNotFound
	}
	in, args := inClause("project_id", projectIDs)
	row := s.r.QueryRowContext(ctx, `SELECT `+traceColumns+` FROM traces WHERE `+in+` AND trace_id = ?
		ORDER BY +start_time_ns LIMIT 1`, append(args, traceID)...)
	t, err := scanTrace(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Trace{}, ErrNotFound
	}
	if err != nil {
		return Trace{}, fmt.Errorf("reading trace %s: %w", traceID, err)
	}
	return t, nil
}

const spanColumns = `project_id, trace_id, span_id, parent_span_id, name, kind, start_time_ns, end_time_ns,
	status_code, status_message, service_name, scope_name, attributes, events, links, resource_attributes,
	session_id, model, input_tokens, output_tokens, total_tokens, cost_usd`

func scanSpan(sc interface{ Scan(...any) error }) (Span, error) {
	var sp Span
	var attrs, events, links, res string
	err := sc.Scan(&sp.ProjectID, &sp.TraceID, &sp.SpanID, &sp.ParentSpanID, &sp.Name, &sp.Kind, &sp.StartNs, &sp.EndNs,
		&sp.StatusCode, &sp.StatusMessage, &sp.ServiceName, &sp.ScopeName, &attrs, &events, &links, &res,
		&sp.SessionID, &sp.Model, &sp.InputTokens, &sp.OutputTokens, &sp.TotalTokens, &sp.CostUSD)
	sp.Attributes, sp.Events, sp.Links, sp.ResourceAttributes = []byte(attrs), []byte(events), []byte(links), []byte(res)
	return sp, err
}

// SpansOfTrace returns every span of a trace, by start time.
func (s *Store) SpansOfTrace(ctx context.Context, projectID, traceID string) ([]Span, error) {
	// The unary + keeps SQLite from walking the (project, start) index in
	// order over the whole project instead of the trace's primary-key range.
	rows, err := s.r.QueryContext(ctx, `SELECT `+spanColumns+` FROM spans WHERE project_id = ? AND trace_id = ?
		ORDER BY +start_time_ns, span_id`, projectID, traceID)
	if err != nil {
		return nil, fmt.Errorf("reading spans of trace %s: %w", traceID, err)
	}
	defer rows.Close()
	out := []Span{}
	for rows.Next() {
		sp, err := scanSpan(rows)
		if err != nil {
			return nil, fmt.Errorf("reading span: %w", err)
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

// GetSpan returns one span among the given projects. Span ids are unique
// within a project; across projects the earliest wins.
func (s *Store) GetSpan(ctx context.Context, projectIDs []string, spanID string) (Span, error) {
	if len(projectIDs) == 0 {
		return Span{}, ErrNotFound
	}
	in, args := inClause("project_id", projectIDs)
	// Without statistics SQLite prefers the primary key's project prefix
	// (a scan of the whole project) to the (project, span) index.
	row := s.r.QueryRowContext(ctx, `SELECT `+spanColumns+` FROM spans INDEXED BY spans_project_span
		WHERE `+in+` AND span_id = ? ORDER BY +start_time_ns LIMIT 1`, append(args, spanID)...)
	sp, err := scanSpan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Span{}, ErrNotFound
	}
	if err != nil {
		return Span{}, fmt.Errorf("reading span %s: %w", spanID, err)
	}
	return sp, nil
}

const alertColumns = `id, project_id, trace_id, span_id, rule, type, severity, score, description, attribute_key,
	source, preview, action, created_at_ns`

func scanAlerts(rows *sql.Rows) ([]Alert, error) {
	defer rows.Close()
	out := []Alert{}
	for rows.Next() {
		var a Alert
		if err := rows.Scan(&a.ID, &a.ProjectID, &a.TraceID, &a.SpanID, &a.Rule, &a.Type, &a.Severity, &a.Score,
			&a.Description, &a.AttributeKey, &a.Source, &a.Preview, &a.Action, &a.TimeNs); err != nil {
			return nil, fmt.Errorf("reading alert: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AlertsOfTrace returns the alerts raised on a trace's spans, oldest first;
// with spanID set, only those of that span.
func (s *Store) AlertsOfTrace(ctx context.Context, projectID, traceID, spanID string) ([]Alert, error) {
	q := `SELECT ` + alertColumns + ` FROM alerts WHERE project_id = ? AND trace_id = ?`
	args := []any{projectID, traceID}
	if spanID != "" {
		q, args = q+` AND span_id = ?`, append(args, spanID)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY created_at_ns, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading alerts of trace %s: %w", traceID, err)
	}
	return scanAlerts(rows)
}

// AlertFilter selects alerts; zero fields do not filter.
type AlertFilter struct {
	ProjectIDs []string
	Severity   string
	Rule       string
	StartNs    int64
	EndNs      int64
	Limit      int
	Offset     int
}

// ListAlerts returns one page of alerts, newest first, and the number
// matching the filter.
func (s *Store) ListAlerts(ctx context.Context, f AlertFilter) ([]Alert, int, error) {
	if len(f.ProjectIDs) == 0 {
		return nil, 0, nil
	}
	in, args := inClause("project_id", f.ProjectIDs)
	where := []string{in}
	if f.Severity != "" {
		where, args = append(where, "severity = ?"), append(args, f.Severity)
	}
	if f.Rule != "" {
		where, args = append(where, "rule = ?"), append(args, f.Rule)
	}
	if f.StartNs != 0 {
		where, args = append(where, "created_at_ns >= ?"), append(args, f.StartNs)
	}
	if f.EndNs != 0 {
		where, args = append(where, "created_at_ns <= ?"), append(args, f.EndNs)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("counting alerts: %w", err)
	}
	limit := PageLimit(f.Limit)
	rows, err := s.r.QueryContext(ctx, `SELECT `+alertColumns+` FROM alerts WHERE `+cond+
		` ORDER BY created_at_ns DESC, id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("listing alerts: %w", err)
	}
	out, err := scanAlerts(rows)
	return out, total, err
}

// Session is the traces sharing one session (or conversation) id.
type Session struct {
	ProjectID    string
	SessionID    string
	TraceCount   int64
	ErrorCount   int64
	FirstNs      int64
	LastNs       int64
	InputTokens  int64
	OutputTokens int64
	TotalTokens  int64
	CostUSD      float64
	AlertCount   int64
}

// SessionFilter selects sessions by the start time of their traces.
type SessionFilter struct {
	ProjectIDs []string
	StartNs    int64
	EndNs      int64
	Limit      int
	Offset     int
}

// ListSessions returns one page of sessions, most recently active first,
// and the number of sessions.
func (s *Store) ListSessions(ctx context.Context, f SessionFilter) ([]Session, int, error) {
	if len(f.ProjectIDs) == 0 {
		return nil, 0, nil
	}
	in, args := inClause("project_id", f.ProjectIDs)
	where := []string{in, "session_id != ''"}
	if f.StartNs != 0 {
		where, args = append(where, "start_time_ns >= ?"), append(args, f.StartNs)
	}
	if f.EndNs != 0 {
		where, args = append(where, "start_time_ns <= ?"), append(args, f.EndNs)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM traces WHERE `+cond+
		` GROUP BY project_id, session_id)`, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("counting sessions: %w", err)
	}
	limit := PageLimit(f.Limit)
	rows, err := s.r.QueryContext(ctx, `SELECT project_id, session_id, COUNT(*), SUM(error_count > 0),
		MIN(start_time_ns), MAX(end_time_ns), SUM(input_tokens), SUM(output_tokens), SUM(total_tokens), SUM(cost_usd),
		SUM(alert_count)
		FROM traces WHERE `+cond+` GROUP BY project_id, session_id
		ORDER BY MAX(end_time_ns) DESC, session_id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("listing sessions: %w", err)
	}
	defer rows.Close()
	out := []Session{}
	for rows.Next() {
		var x Session
		if err := rows.Scan(&x.ProjectID, &x.SessionID, &x.TraceCount, &x.ErrorCount, &x.FirstNs, &x.LastNs,
			&x.InputTokens, &x.OutputTokens, &x.TotalTokens, &x.CostUSD, &x.AlertCount); err != nil {
			return nil, 0, fmt.Errorf("reading session: %w", err)
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

// SessionTraces returns the traces of one session among the given
// projects, in start order.
func (s *Store) SessionTraces(ctx context.Context, projectIDs []string, sessionID string) ([]Trace, error) {
	if len(projectIDs) == 0 || sessionID == "" {
		return nil, nil
	}
	in, args := inClause("project_id", projectIDs)
	rows, err := s.r.QueryContext(ctx, `SELECT `+traceColumns+` FROM traces WHERE `+in+` AND session_id = ?
		ORDER BY start_time_ns, trace_id`, append(args, sessionID)...)
	if err != nil {
		return nil, fmt.Errorf("reading session %s: %w", sessionID, err)
	}
	return scanTraces(rows)
}

// CostPoint is the cost of one model in one time bucket.
type CostPoint struct {
	BucketNs     int64
	Model        string
	Calls        int64
	InputTokens  int64
	OutputTokens int64
	TotalTokens  int64
	CostUSD      float64
}

// CostSeries sums the hourly cost roll-up into buckets of bucketNs (a
// multiple of an hour, aligned on the Unix epoch, so days are UTC days) for
// hours in [startNs, endNs).
func (s *Store) CostSeries(ctx context.Context, projectIDs []string, startNs, endNs, bucketNs int64) ([]CostPoint, error) {
	if len(projectIDs) == 0 {
		return []CostPoint{}, nil
	}
	if bucketNs <= 0 {
		return nil, errors.New("cost series: bucket must be positive")
	}
	in, projectArgs := inClause("project_id", projectIDs)
	// The hour that contains startNs counts whole: the roll-up is hourly.
	hour := int64(time.Hour)
	args := append([]any{bucketNs}, projectArgs...)
	args = append(args, startNs-startNs%hour, endNs)
	rows, err := s.r.QueryContext(ctx, `SELECT hour_ns - (hour_ns % ?) AS bucket, model, SUM(calls), SUM(input_tokens),
		SUM(output_tokens), SUM(total_tokens), SUM(cost_usd)
		FROM cost_hourly WHERE `+in+` AND hour_ns >= ? AND hour_ns < ?
		GROUP BY bucket, model ORDER BY bucket, model`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading cost series: %w", err)
	}
	defer rows.Close()
	out := []CostPoint{}
	for rows.Next() {
		var p CostPoint
		if err := rows.Scan(&p.BucketNs, &p.Model, &p.Calls, &p.InputTokens, &p.OutputTokens, &p.TotalTokens, &p.CostUSD); err != nil {
			return nil, fmt.Errorf("reading cost point: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Summary sums up the traces that started in a time range.
type Summary struct {
	TraceCount   int64
	ErrorTraces  int64
	SpanCount    int64
	P50Ns        int64
	P95Ns        int64
	InputTokens  int64
	OutputTokens int64
	TotalTokens  int64
	CostUSD      float64
	AlertCount   int64
}

// Summarize computes the Summary of traces starting in [startNs, endNs]
// and alerts raised in the same range.
func (s *Store) Summarize(ctx context.Context, projectIDs []string, startNs, endNs int64) (Summary, error) {
	var sum Summary
	if len(projectIDs) == 0 {
		return sum, nil
	}
	in, projectArgs := inClause("project_id", projectIDs)
	args := append(projectArgs, startNs, endNs)
	cond := in + ` AND start_time_ns >= ? AND start_time_ns <= ?`
	// The sums need whole rows. Reached through the time index, each row
	// is a random lookup; past a few percent of the projects' traces a
	// sequential scan of the projects is cheaper, and the unary + makes
	// SQLite take it. The counts that decide come from project_stats and
	// the covering time index, both cheap.
	var all, inRange int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(trace_count), 0) FROM project_stats WHERE `+in,
		projectArgs...).Scan(&all); err != nil {
		return sum, fmt.Errorf("counting traces: %w", err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM traces WHERE `+cond, args...).Scan(&inRange); err != nil {
		return sum, fmt.Errorf("counting traces: %w", err)
	}
	sumCond := cond
	if inRange*20 > all {
		sumCond = in + ` AND +start_time_ns >= ? AND +start_time_ns <= ?`
	}
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(error_count > 0), 0), COALESCE(SUM(span_count), 0),
		COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), COALESCE(SUM(total_tokens), 0),
		COALESCE(SUM(cost_usd), 0) FROM traces WHERE `+sumCond, args...).
		Scan(&sum.TraceCount, &sum.ErrorTraces, &sum.SpanCount, &sum.InputTokens, &sum.OutputTokens, &sum.TotalTokens, &sum.CostUSD)
	if err != nil {
		return sum, fmt.Errorf("summarizing traces: %w", err)
	}
	if sum.TraceCount > 0 {
		// Nearest-rank percentiles (the value at rank ceil(p*n)), read from
		// the (project, start, duration) index without touching the rows.
		rows, err := s.r.QueryContext(ctx, `SELECT duration_ns FROM traces WHERE `+cond, args...)
		if err != nil {
			return sum, fmt.Errorf("reading trace durations: %w", err)
		}
		defer rows.Close()
		durations := make([]int64, 0, sum.TraceCount)
		for rows.Next() {
			var d int64
			if err := rows.Scan(&d); err != nil {
				return sum, fmt.Errorf("reading trace durations: %w", err)
			}
			durations = append(durations, d)
		}
		if err := rows.Err(); err != nil {
			return sum, fmt.Errorf("reading trace durations: %w", err)
		}
		if len(durations) > 0 {
			sum.P50Ns, sum.P95Ns = p50p95(durations)
		}
	}
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts WHERE `+in+` AND created_at_ns >= ? AND created_at_ns <= ?`,
		args...).Scan(&sum.AlertCount); err != nil {
		return sum, fmt.Errorf("counting alerts: %w", err)
	}
	return sum, nil
}

// TimePoint sums up the traces that started in one time bucket.
type TimePoint struct {
	BucketNs    int64
	TraceCount  int64
	ErrorTraces int64
	P50Ns       int64
	P95Ns       int64
	TotalTokens int64
	CostUSD     float64
	AlertCount  int64
}

// TimeSeries groups the traces that started in [startNs, endNs] into
// buckets of bucketNs (aligned on the Unix epoch, so days are UTC days)
// and returns one point per bucket that has traces, in time order. The
// alert count is the traces' own (alerts raised on their spans); the
// percentiles are nearest-rank, as in Summarize.
func (s *Store) TimeSeries(ctx context.Context, projectIDs []string, startNs, endNs, bucketNs int64) ([]TimePoint, error) {
	if len(projectIDs) == 0 {
		return []TimePoint{}, nil
	}
	if bucketNs <= 0 {
		return nil, errors.New("time series: bucket must be positive")
	}
	in, projectArgs := inClause("project_id", projectIDs)
	args := append([]any{bucketNs}, projectArgs...)
	args = append(args, startNs, endNs)
	cond := in + ` AND start_time_ns >= ? AND start_time_ns <= ?`
	rows, err := s.r.QueryContext(ctx, `SELECT start_time_ns - (start_time_ns % ?) AS bucket, COUNT(*),
		COALESCE(SUM(error_count > 0), 0), COALESCE(SUM(total_tokens), 0), COALESCE(SUM(cost_usd), 0),
		COALESCE(SUM(alert_count), 0)
		FROM traces WHERE `+cond+` GROUP BY bucket ORDER BY bucket`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading time series: %w", err)
	}
	out := []TimePoint{}
	index := map[int64]int{}
	for rows.Next() {
		var p TimePoint
		if err := rows.Scan(&p.BucketNs, &p.TraceCount, &p.ErrorTraces, &p.TotalTokens, &p.CostUSD, &p.AlertCount); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading time point: %w", err)
		}
		index[p.BucketNs] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading time series: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	// The durations come from the (project, start, duration) index without
	// touching the rows; the range bounds how many there are.
	rows, err = s.r.QueryContext(ctx, `SELECT start_time_ns - (start_time_ns % ?), duration_ns FROM traces WHERE `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("reading trace durations: %w", err)
	}
	defer rows.Close()
	durations := make([][]int64, len(out))
	for rows.Next() {
		var b, d int64
		if err := rows.Scan(&b, &d); err != nil {
			return nil, fmt.Errorf("reading trace durations: %w", err)
		}
		if i, ok := index[b]; ok {
			durations[i] = append(durations[i], d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading trace durations: %w", err)
	}
	for i, ds := range durations {
		if len(ds) == 0 {
			continue
		}
		out[i].P50Ns, out[i].P95Ns = p50p95(ds)
	}
	return out, nil
}

// p50p95 sorts ds (not empty) and returns its nearest-rank 50th and 95th
// percentiles: the values at rank ceil(p*n).
func p50p95(ds []int64) (p50, p95 int64) {
	slices.Sort(ds)
	rank := func(p float64) int64 { return ds[max(int(math.Ceil(p*float64(len(ds))))-1, 0)] }
	return rank(0.50), rank(0.95)
}
