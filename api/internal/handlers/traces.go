package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/agentstack/agentstack/internal/store"
)

type traceBody struct {
	ProjectID    string    `json:"project_id"`
	TraceID      string    `json:"trace_id"`
	Name         string    `json:"name"`
	ServiceName  string    `json:"service_name"`
	SessionID    string    `json:"session_id"`
	Status       string    `json:"status"`
	StartTime    time.Time `json:"start_time"`
	EndTime      time.Time `json:"end_time"`
	StartTimeNs  int64     `json:"start_time_ns"`
	EndTimeNs    int64     `json:"end_time_ns"`
	DurationMs   float64   `json:"duration_ms"`
	SpanCount    int64     `json:"span_count"`
	ErrorCount   int64     `json:"error_count"`
	InputTokens  int64     `json:"input_tokens"`
	OutputTokens int64     `json:"output_tokens"`
	TotalTokens  int64     `json:"total_tokens"`
	CostUSD      float64   `json:"cost_usd"`
	AlertCount   int64     `json:"alert_count"`
	Models       []string  `json:"models"`
}

func nsTime(ns int64) time.Time { return time.Unix(0, ns).UTC() }

func ms(ns int64) float64 { return float64(ns) / 1e6 }

func statusOf(errors int64) string {
	if errors > 0 {
		return "error"
	}
	return "ok"
}

func toTrace(t store.Trace) traceBody {
	models := t.Models
	if models == nil {
		models = []string{}
	}
	return traceBody{ProjectID: t.ProjectID, TraceID: t.TraceID, Name: t.RootSpanName, ServiceName: t.ServiceName,
		SessionID: t.SessionID, Status: statusOf(t.ErrorCount), StartTime: nsTime(t.StartNs), EndTime: nsTime(t.EndNs),
		StartTimeNs: t.StartNs, EndTimeNs: t.EndNs, DurationMs: ms(t.DurationNs), SpanCount: t.SpanCount,
		ErrorCount: t.ErrorCount, InputTokens: t.InputTokens, OutputTokens: t.OutputTokens, TotalTokens: t.TotalTokens,
		CostUSD: t.CostUSD, AlertCount: t.AlertCount, Models: models}
}

type spanBody struct {
	ProjectID          string          `json:"project_id"`
	TraceID            string          `json:"trace_id"`
	SpanID             string          `json:"span_id"`
	ParentSpanID       string          `json:"parent_span_id"`
	Name               string          `json:"name"`
	Kind               int             `json:"kind"`
	StartTime          time.Time       `json:"start_time"`
	EndTime            time.Time       `json:"end_time"`
	StartTimeNs        int64           `json:"start_time_ns"`
	EndTimeNs          int64           `json:"end_time_ns"`
	DurationMs         float64         `json:"duration_ms"`
	Status             string          `json:"status"`
	StatusMessage      string          `json:"status_message"`
	ServiceName        string          `json:"service_name"`
	ScopeName          string          `json:"scope_name"`
	SessionID          string          `json:"session_id"`
	Model              string          `json:"model"`
	InputTokens        int64           `json:"input_tokens"`
	OutputTokens       int64           `json:"output_tokens"`
	TotalTokens        int64           `json:"total_tokens"`
	CostUSD            float64         `json:"cost_usd"`
	Attributes         json.RawMessage `json:"attributes"`
	Events             json.RawMessage `json:"events"`
	Links              json.RawMessage `json:"links"`
	ResourceAttributes json.RawMessage `json:"resource_attributes"`
	// ContentEvents counts the log records (GenAI message events) linked
	// to the span; span detail returns them.
	ContentEvents int `json:"content_events"`
}

// logBody is a log record linked to a span: for GenAI instrumentations,
// one message of the conversation.
type logBody struct {
	ID             string          `json:"id"`
	TraceID        string          `json:"trace_id"`
	SpanID         string          `json:"span_id"`
	Time           time.Time       `json:"time"`
	TimeNs         int64           `json:"time_ns"`
	SeverityNumber int             `json:"severity_number"`
	SeverityText   string          `json:"severity_text"`
	EventName      string          `json:"event_name"`
	Body           json.RawMessage `json:"body"`
	Attributes     json.RawMessage `json:"attributes"`
}

func toLogs(recs []store.LogRecord) []logBody {
	out := make([]logBody, 0, len(recs))
	for i := range recs {
		r := &recs[i]
		out = append(out, logBody{ID: r.ID, TraceID: r.TraceID, SpanID: r.SpanID, Time: nsTime(r.TimeNs), TimeNs: r.TimeNs,
			SeverityNumber: r.SeverityNumber, SeverityText: r.SeverityText, EventName: r.EventName,
			Body: rawOr(r.Body, "null"), Attributes: rawOr(r.Attributes, "{}")})
	}
	return out
}

func rawOr(b []byte, empty string) json.RawMessage {
	if len(b) == 0 || !json.Valid(b) {
		return json.RawMessage(empty)
	}
	return json.RawMessage(b)
}

func toSpan(s *store.Span) spanBody {
	return spanBody{ProjectID: s.ProjectID, TraceID: s.TraceID, SpanID: s.SpanID, ParentSpanID: s.ParentSpanID,
		Name: s.Name, Kind: s.Kind, StartTime: nsTime(s.StartNs), EndTime: nsTime(s.EndNs), StartTimeNs: s.StartNs,
		EndTimeNs: s.EndNs, DurationMs: ms(s.EndNs - s.StartNs), Status: s.StatusCode, StatusMessage: s.StatusMessage,
		ServiceName: s.ServiceName, ScopeName: s.ScopeName, SessionID: s.SessionID, Model: s.Model,
		InputTokens: s.InputTokens, OutputTokens: s.OutputTokens, TotalTokens: s.TotalTokens, CostUSD: s.CostUSD,
		Attributes: rawOr(s.Attributes, "{}"), Events: rawOr(s.Events, "[]"), Links: rawOr(s.Links, "[]"),
		ResourceAttributes: rawOr(s.ResourceAttributes, "{}")}
}

type alertBody struct {
	ID           string    `json:"id"`
	ProjectID    string    `json:"project_id"`
	TraceID      string    `json:"trace_id"`
	SpanID       string    `json:"span_id"`
	Rule         string    `json:"rule"`
	Type         string    `json:"type"`
	Severity     string    `json:"severity"`
	Score        int64     `json:"score"`
	Description  string    `json:"description"`
	AttributeKey string    `json:"attribute_key"`
	Source       string    `json:"source"`
	Preview      string    `json:"preview"`
	Action       string    `json:"action"`
	Time         time.Time `json:"time"`
	TimeNs       int64     `json:"time_ns"`
}

func toAlert(a *store.Alert) alertBody {
	return alertBody{ID: a.ID, ProjectID: a.ProjectID, TraceID: a.TraceID, SpanID: a.SpanID, Rule: a.Rule, Type: a.Type,
		Severity: a.Severity, Score: a.Score, Description: a.Description, AttributeKey: a.AttributeKey, Source: a.Source,
		Preview: a.Preview, Action: a.Action, Time: nsTime(a.TimeNs), TimeNs: a.TimeNs}
}

func toAlerts(as []store.Alert) []alertBody {
	out := make([]alertBody, 0, len(as))
	for i := range as {
		out = append(out, toAlert(&as[i]))
	}
	return out
}

func toTraces(ts []store.Trace) []traceBody {
	out := make([]traceBody, 0, len(ts))
	for _, t := range ts {
		out = append(out, toTrace(t))
	}
	return out
}

func (a *API) listTraces(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	q := &query{r: r}
	f := store.TraceFilter{
		ProjectIDs:    projects,
		Status:        q.oneOf("status", "", "ok", "error"),
		Service:       q.str("service"),
		Name:          q.str("name"),
		Model:         q.str("model"),
		StartNs:       q.time("start"),
		EndNs:         q.time("end"),
		MinDurationNs: int64(q.float("min_duration_ms") * 1e6),
		MinCostUSD:    q.float("min_cost"),
		HasAlerts:     q.boolPtr("has_alerts"),
		Query:         q.str("q"),
		Sort:          q.oneOf("sort", store.SortStartTime, store.SortStartTime, store.SortDuration, store.SortCost, store.SortSpanCount),
		Asc:           q.oneOf("order", "desc", "asc", "desc") == "asc",
	}
	p := q.page()
	if q.err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, q.err.Error())
		return
	}
	f.Limit, f.Offset = p.size, p.offset()
	ts, total, err := a.opts.Store.ListTraces(r.Context(), f)
	if err != nil {
		a.internal(w, "listing traces", err)
		return
	}
	writeJSON(w, http.StatusOK, paged(toTraces(ts), total, p))
}

type traceDetail struct {
	Trace  traceBody   `json:"trace"`
	Spans  []spanBody  `json:"spans"`
	Alerts []alertBody `json:"alerts"`
}

func (a *API) getTrace(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	t, err := a.opts.Store.GetTrace(r.Context(), projects, r.PathValue("trace_id"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, codeNotFound, "trace not found")
		return
	}
	if err != nil {
		a.internal(w, "reading trace", err)
		return
	}
	spans, err := a.opts.Store.SpansOfTrace(r.Context(), t.ProjectID, t.TraceID)
	if err != nil {
		a.internal(w, "reading spans", err)
		return
	}
	alerts, err := a.opts.Store.AlertsOfTrace(r.Context(), t.ProjectID, t.TraceID, "")
	if err != nil {
		a.internal(w, "reading alerts", err)
		return
	}
	perSpan, err := a.opts.Store.LogCountsOfTrace(r.Context(), t.ProjectID, t.TraceID)
	if err != nil {
		a.internal(w, "counting log records", err)
		return
	}
	out := traceDetail{Trace: toTrace(t), Spans: make([]spanBody, 0, len(spans)), Alerts: toAlerts(alerts)}
	for i := range spans {
		sb := toSpan(&spans[i])
		sb.ContentEvents = perSpan[sb.SpanID]
		out.Spans = append(out.Spans, sb)
	}
	writeJSON(w, http.StatusOK, out)
}

type spanDetail struct {
	spanBody
	Alerts []alertBody `json:"alerts"`
	// Logs are the span's content events, in time order.
	Logs []logBody `json:"logs"`
}

func (a *API) getSpan(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	sp, err := a.opts.Store.GetSpan(r.Context(), projects, r.PathValue("span_id"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, codeNotFound, "span not found")
		return
	}
	if err != nil {
		a.internal(w, "reading span", err)
		return
	}
	alerts, err := a.opts.Store.AlertsOfTrace(r.Context(), sp.ProjectID, sp.TraceID, sp.SpanID)
	if err != nil {
		a.internal(w, "reading alerts", err)
		return
	}
	logs, err := a.opts.Store.LogsOfTrace(r.Context(), sp.ProjectID, sp.TraceID, sp.SpanID)
	if err != nil {
		a.internal(w, "reading log records", err)
		return
	}
	body := toSpan(&sp)
	body.ContentEvents = len(logs)
	writeJSON(w, http.StatusOK, spanDetail{spanBody: body, Alerts: toAlerts(alerts), Logs: toLogs(logs)})
}

type sessionBody struct {
	ProjectID    string    `json:"project_id"`
	SessionID    string    `json:"session_id"`
	TraceCount   int64     `json:"trace_count"`
	ErrorCount   int64     `json:"error_count"`
	FirstTime    time.Time `json:"first_time"`
	LastTime     time.Time `json:"last_time"`
	InputTokens  int64     `json:"input_tokens"`
	OutputTokens int64     `json:"output_tokens"`
	TotalTokens  int64     `json:"total_tokens"`
	CostUSD      float64   `json:"cost_usd"`
	AlertCount   int64     `json:"alert_count"`
}

func (a *API) listSessions(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	q := &query{r: r}
	f := store.SessionFilter{ProjectIDs: projects, StartNs: q.time("start"), EndNs: q.time("end")}
	p := q.page()
	if q.err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, q.err.Error())
		return
	}
	f.Limit, f.Offset = p.size, p.offset()
	ss, total, err := a.opts.Store.ListSessions(r.Context(), f)
	if err != nil {
		a.internal(w, "listing sessions", err)
		return
	}
	out := make([]sessionBody, 0, len(ss))
	for _, s := range ss {
		out = append(out, sessionBody{ProjectID: s.ProjectID, SessionID: s.SessionID, TraceCount: s.TraceCount,
			ErrorCount: s.ErrorCount, FirstTime: nsTime(s.FirstNs), LastTime: nsTime(s.LastNs), InputTokens: s.InputTokens,
			OutputTokens: s.OutputTokens, TotalTokens: s.TotalTokens, CostUSD: s.CostUSD, AlertCount: s.AlertCount})
	}
	writeJSON(w, http.StatusOK, paged(out, total, p))
}

func (a *API) getSession(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	ts, err := a.opts.Store.SessionTraces(r.Context(), projects, id)
	if err != nil {
		a.internal(w, "reading session", err)
		return
	}
	if len(ts) == 0 {
		writeError(w, http.StatusNotFound, codeNotFound, "session not found")
		return
	}
	s := sessionBody{SessionID: id, ProjectID: ts[0].ProjectID, FirstTime: nsTime(ts[0].StartNs)}
	last := ts[0].EndNs
	for _, t := range ts {
		s.TraceCount++
		if t.ErrorCount > 0 {
			s.ErrorCount++
		}
		last = max(last, t.EndNs)
		s.InputTokens += t.InputTokens
		s.OutputTokens += t.OutputTokens
		s.TotalTokens += t.TotalTokens
		s.CostUSD += t.CostUSD
		s.AlertCount += t.AlertCount
	}
	s.LastTime = nsTime(last)
	writeJSON(w, http.StatusOK, map[string]any{"session": s, "traces": toTraces(ts)})
}
