package chstore

import (
	"strings"
	"time"

	"github.com/agentstack/agentstack/internal/store"
)

// query is one statement and its arguments. Every value that comes from a
// caller travels in args, bound by the driver; the text is built only from
// constants, so no caller's value can change what the statement does.
type query struct {
	sql  string
	args []any
}

// inList returns "col IN (?, ?, …)" and the values as arguments.
func inList(col string, values []string) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ") + ")", args
}

// paged returns the page query's arguments: a copy of the count query's
// args (which it keeps) followed by the page's limit and offset.
func paged(args []any, limit, offset int) []any {
	return append(append([]any{}, args...), int64(store.PageLimit(limit)), int64(offset))
}

// rollup merges the per-insert aggregate states of agentstack_traces into
// one row per trace of the given projects (and, when traceID is set, of
// that trace only). Its output columns are prefixed t_ so that the outer
// query never confuses them with the stored columns.
func rollup(projectIDs []string, traceID string) (string, []any) {
	in, args := inList("project_id", projectIDs)
	where := in
	if traceID != "" {
		where += " AND trace_id = ?"
		args = append(args, traceID)
	}
	return `SELECT project_id, trace_id,
		argMinMerge(root_span_name) AS t_root,
		argMinMerge(service_name) AS t_service,
		argMinMerge(session_id) AS t_session,
		toInt64(min(start_time_ns)) AS t_start,
		toInt64(max(end_time_ns)) AS t_end,
		t_end - t_start AS t_duration,
		toInt64(sum(span_count)) AS t_spans,
		toInt64(sum(error_count)) AS t_errors,
		toInt64(sum(input_tokens)) AS t_in,
		toInt64(sum(output_tokens)) AS t_out,
		toInt64(sum(total_tokens)) AS t_total,
		toFloat64(sum(cost_usd)) AS t_cost,
		toInt64(sum(alert_count)) AS t_alerts,
		groupUniqArrayArray(models) AS t_models
	FROM agentstack_traces WHERE ` + where + `
	GROUP BY project_id, trace_id`, args
}

const traceOut = `project_id, trace_id, t_root, t_service, t_session, t_start, t_end, t_duration, t_spans, t_errors,
	t_in, t_out, t_total, t_cost, t_alerts, t_models`

var traceSortColumns = map[string]string{
	store.SortStartTime: "t_start",
	store.SortDuration:  "t_duration",
	store.SortCost:      "t_cost",
	store.SortSpanCount: "t_spans",
}

// listTraces builds the count and the page queries of ListTraces.
func listTraces(f store.TraceFilter) (count, page query) {
	inner, args := rollup(f.ProjectIDs, "")
	var where []string
	switch f.Status {
	case "ok":
		where = append(where, "t_errors = 0")
	case "error":
		where = append(where, "t_errors > 0")
	}
	if f.Service != "" {
		where, args = append(where, "t_service = ?"), append(args, f.Service)
	}
	if f.Name != "" {
		where, args = append(where, "t_root = ?"), append(args, f.Name)
	}
	if f.Model != "" {
		where, args = append(where, "has(t_models, ?)"), append(args, f.Model)
	}
	if f.StartNs != 0 {
		where, args = append(where, "t_start >= ?"), append(args, f.StartNs)
	}
	if f.EndNs != 0 {
		where, args = append(where, "t_start <= ?"), append(args, f.EndNs)
	}
	if f.MinDurationNs > 0 {
		where, args = append(where, "t_duration >= ?"), append(args, f.MinDurationNs)
	}
	if f.MinCostUSD > 0 {
		where, args = append(where, "t_cost >= ?"), append(args, f.MinCostUSD)
	}
	if f.HasAlerts != nil {
		if *f.HasAlerts {
			where = append(where, "t_alerts > 0")
		} else {
			where = append(where, "t_alerts = 0")
		}
	}
	if f.Query != "" {
		// SQLite's LIKE folds ASCII case only; so does positionCaseInsensitive.
		in, inArgs := inList("project_id", f.ProjectIDs)
		where = append(where, `(project_id, trace_id) IN (SELECT project_id, trace_id FROM agentstack_spans
			WHERE `+in+` AND positionCaseInsensitive(name, ?) > 0)`)
		args = append(append(args, inArgs...), f.Query)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	col, ok := traceSortColumns[f.Sort]
	if !ok {
		col = traceSortColumns[store.SortStartTime]
	}
	dir, tie := "DESC", "ASC"
	if f.Asc {
		dir, tie = "ASC", "DESC"
	}
	count = query{`SELECT toInt64(count()) FROM (` + inner + `)` + cond, args}
	page = query{`SELECT ` + traceOut + ` FROM (` + inner + `)` + cond +
		` ORDER BY ` + col + ` ` + dir + `, trace_id ` + tie + ` LIMIT ? OFFSET ?`, paged(args, f.Limit, f.Offset)}
	return count, page
}

func getTrace(projectIDs []string, traceID string) query {
	inner, args := rollup(projectIDs, traceID)
	return query{`SELECT ` + traceOut + ` FROM (` + inner + `) ORDER BY t_start LIMIT 1`, args}
}

func sessionTraces(projectIDs []string, sessionID string) query {
	inner, args := rollup(projectIDs, "")
	return query{`SELECT ` + traceOut + ` FROM (` + inner + `) WHERE t_session = ? ORDER BY t_start, trace_id`,
		append(args, sessionID)}
}

const spanOut = `project_id, trace_id, span_id, parent_span_id, toString(name), toInt64(kind), start_time_ns, end_time_ns,
	toString(status_code), status_message, toString(service_name), scope_name, attributes, resource_attributes,
	events_time_ns, arrayMap(x -> toString(x), events_name), events_attributes, links_trace_id, links_span_id, links_attributes,
	session_id, toString(model), input_tokens, output_tokens, total_tokens, cost_usd`

// Spans are read FINAL: a span inserted twice (an exporter retry) is one.
func spansOfTrace(projectID, traceID string) query {
	return query{`SELECT ` + spanOut + ` FROM agentstack_spans FINAL WHERE project_id = ? AND trace_id = ?
		ORDER BY start_time_ns, span_id`, []any{projectID, traceID}}
}

func getSpan(projectIDs []string, spanID string) query {
	in, args := inList("project_id", projectIDs)
	return query{`SELECT ` + spanOut + ` FROM agentstack_spans FINAL WHERE ` + in + ` AND span_id = ?
		ORDER BY start_time_ns LIMIT 1`, append(args, spanID)}
}

const alertOut = `id, project_id, trace_id, span_id, toString(rule), toString(type), toString(severity), score, description,
	attribute_key, toString(source), preview, toString(action), created_at_ns`

func alertsOfTrace(projectID, traceID, spanID string) query {
	q := `SELECT ` + alertOut + ` FROM agentstack_alerts FINAL WHERE project_id = ? AND trace_id = ?`
	args := []any{projectID, traceID}
	if spanID != "" {
		q, args = q+` AND span_id = ?`, append(args, spanID)
	}
	return query{q + ` ORDER BY created_at_ns, id`, args}
}

func listAlerts(f store.AlertFilter) (count, page query) {
	in, args := inList("project_id", f.ProjectIDs)
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
	count = query{`SELECT toInt64(count()) FROM agentstack_alerts FINAL WHERE ` + cond, args}
	page = query{`SELECT ` + alertOut + ` FROM agentstack_alerts FINAL WHERE ` + cond +
		` ORDER BY created_at_ns DESC, id LIMIT ? OFFSET ?`, paged(args, f.Limit, f.Offset)}
	return count, page
}

func listSessions(f store.SessionFilter) (count, page query) {
	inner, args := rollup(f.ProjectIDs, "")
	where := []string{"t_session != ''"}
	if f.StartNs != 0 {
		where, args = append(where, "t_start >= ?"), append(args, f.StartNs)
	}
	if f.EndNs != 0 {
		where, args = append(where, "t_start <= ?"), append(args, f.EndNs)
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	count = query{`SELECT toInt64(count()) FROM (SELECT 1 FROM (` + inner + `)` + cond + ` GROUP BY project_id, t_session)`, args}
	page = query{`SELECT project_id, t_session, toInt64(count()), toInt64(countIf(t_errors > 0)), toInt64(min(t_start)),
		toInt64(max(t_end)) AS s_last, toInt64(sum(t_in)), toInt64(sum(t_out)), toInt64(sum(t_total)), toFloat64(sum(t_cost)),
		toInt64(sum(t_alerts))
		FROM (` + inner + `)` + cond + ` GROUP BY project_id, t_session
		ORDER BY s_last DESC, t_session LIMIT ? OFFSET ?`, paged(args, f.Limit, f.Offset)}
	return count, page
}

func costSeries(projectIDs []string, startNs, endNs, bucketNs int64) query {
	in, projectArgs := inList("project_id", projectIDs)
	hour := int64(time.Hour)
	args := append([]any{bucketNs}, projectArgs...)
	args = append(args, startNs-startNs%hour, endNs)
	return query{`SELECT toInt64(hour_ns - (hour_ns % ?)) AS bucket, toString(model) AS m, toInt64(sum(calls)),
		toInt64(sum(input_tokens)), toInt64(sum(output_tokens)), toInt64(sum(total_tokens)), toFloat64(sum(cost_usd))
		FROM agentstack_cost_hourly WHERE ` + in + ` AND hour_ns >= ? AND hour_ns < ?
		GROUP BY bucket, m ORDER BY bucket, m`, args}
}

// p50p95 selects the nearest-rank 50th and 95th percentiles (the values at
// rank ceil(p·n)) of the roll-up's durations, computed in ClickHouse as the
// embedded store computes them in Go.
const p50p95 = `toInt64(arrayElement(arraySort(groupArray(t_duration)), toUInt64(greatest(ceil(0.50 * count()), 1)))),
		toInt64(arrayElement(arraySort(groupArray(t_duration)), toUInt64(greatest(ceil(0.95 * count()), 1))))`

// summarize builds the trace half and the alert half of Summarize, with
// the percentiles of p50p95.
func summarize(projectIDs []string, startNs, endNs int64) (traces, alerts query) {
	inner, args := rollup(projectIDs, "")
	traces = query{`SELECT toInt64(count()), toInt64(countIf(t_errors > 0)), toInt64(sum(t_spans)),
		` + p50p95 + `,
		toInt64(sum(t_in)), toInt64(sum(t_out)), toInt64(sum(t_total)), toFloat64(sum(t_cost))
		FROM (` + inner + `) WHERE t_start >= ? AND t_start <= ?`, append(args, startNs, endNs)}
	in, aArgs := inList("project_id", projectIDs)
	alerts = query{`SELECT toInt64(count()) FROM agentstack_alerts FINAL WHERE ` + in +
		` AND created_at_ns >= ? AND created_at_ns <= ?`, append(aArgs, startNs, endNs)}
	return traces, alerts
}

// logsOfTrace reads the contrib exporter's otel_logs table; the project
// is the resource attribute projectstamp wrote.
func logsOfTrace(projectAttr, projectID, traceID, spanID string) query {
	q := `SELECT TraceId, SpanId, toInt64(toUnixTimestamp64Nano(Timestamp)), toInt64(SeverityNumber), toString(SeverityText),
		EventName, Body, LogAttributes, ResourceAttributes, toString(ServiceName), ScopeName
		FROM otel_logs WHERE ResourceAttributes[?] = ? AND TraceId = ?`
	args := []any{projectAttr, projectID, traceID}
	if spanID != "" {
		q, args = q+` AND SpanId = ?`, append(args, spanID)
	}
	return query{q + ` ORDER BY Timestamp`, args}
}

func logCountsOfTrace(projectAttr, projectID, traceID string) query {
	return query{`SELECT SpanId, toInt64(count()) FROM otel_logs
		WHERE ResourceAttributes[?] = ? AND TraceId = ? GROUP BY SpanId`, []any{projectAttr, projectID, traceID}}
}

// timeSeries builds TimeSeries: the roll-up's traces grouped into buckets,
// with the percentiles of p50p95.
func timeSeries(projectIDs []string, startNs, endNs, bucketNs int64) query {
	inner, args := rollup(projectIDs, "")
	args = append([]any{bucketNs}, args...)
	return query{`SELECT toInt64(t_start - (t_start % ?)) AS bucket, toInt64(count()), toInt64(countIf(t_errors > 0)),
		` + p50p95 + `,
		toInt64(sum(t_total)), toFloat64(sum(t_cost)), toInt64(sum(t_alerts))
		FROM (` + inner + `) WHERE t_start >= ? AND t_start <= ? GROUP BY bucket ORDER BY bucket`, append(args, startNs, endNs)}
}
