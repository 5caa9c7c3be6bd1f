package handlers

import (
	"net/http"
	"time"

	"github.com/agentstack/agentstack/internal/store"
)

func (a *API) listAlerts(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	q := &query{r: r}
	f := store.AlertFilter{ProjectIDs: projects, Severity: q.str("severity"), Rule: q.str("rule"),
		StartNs: q.time("start"), EndNs: q.time("end")}
	p := q.page()
	if q.err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, q.err.Error())
		return
	}
	f.Limit, f.Offset = p.size, p.offset()
	as, total, err := a.opts.Store.ListAlerts(r.Context(), f)
	if err != nil {
		a.internal(w, "listing alerts", err)
		return
	}
	writeJSON(w, http.StatusOK, paged(toAlerts(as), total, p))
}

// timeRange reads start and end, defaulting to the last days days.
func timeRange(q *query, days int) (start, end int64) {
	end = q.time("end")
	if end == 0 {
		end = time.Now().UnixNano()
	}
	start = q.time("start")
	if start == 0 {
		start = end - int64(days)*int64(24*time.Hour)
	}
	if start > end {
		q.fail("start", "must not be after end")
	}
	return start, end
}

type costPointBody struct {
	Time         time.Time `json:"time"`
	TimeNs       int64     `json:"time_ns"`
	Model        string    `json:"model"`
	Calls        int64     `json:"calls"`
	InputTokens  int64     `json:"input_tokens"`
	OutputTokens int64     `json:"output_tokens"`
	TotalTokens  int64     `json:"total_tokens"`
	CostUSD      float64   `json:"cost_usd"`
}

type costBody struct {
	Bucket       string          `json:"bucket"`
	Start        time.Time       `json:"start"`
	End          time.Time       `json:"end"`
	TotalCostUSD float64         `json:"total_cost_usd"`
	Series       []costPointBody `json:"series"`
}

// maxBuckets bounds a series, so a year of hourly buckets cannot be asked
// for by mistake.
const maxBuckets = 24 * 93

// seriesRange reads the bucket ("hour" or "day", defaulting to def) and the
// time range of a series, refusing more than maxBuckets buckets.
func seriesRange(q *query, def string, days int) (bucket string, size, start, end int64) {
	bucket = q.oneOf("bucket", def, "hour", "day")
	start, end = timeRange(q, days)
	size = int64(time.Hour)
	if bucket == "day" {
		size = int64(24 * time.Hour)
	}
	if q.err == nil && (end-start)/size > maxBuckets {
		q.fail("bucket", "too many buckets for this range: use a larger bucket or a shorter range")
	}
	return bucket, size, start, end
}

func (a *API) costSeries(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	q := &query{r: r}
	bucket, size, start, end := seriesRange(q, "day", 30)
	if q.err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, q.err.Error())
		return
	}
	pts, err := a.opts.Store.CostSeries(r.Context(), projects, start, end, size)
	if err != nil {
		a.internal(w, "reading costs", err)
		return
	}
	out := costBody{Bucket: bucket, Start: nsTime(start), End: nsTime(end), Series: make([]costPointBody, 0, len(pts))}
	for _, p := range pts {
		out.TotalCostUSD += p.CostUSD
		out.Series = append(out.Series, costPointBody{Time: nsTime(p.BucketNs), TimeNs: p.BucketNs, Model: p.Model,
			Calls: p.Calls, InputTokens: p.InputTokens, OutputTokens: p.OutputTokens, TotalTokens: p.TotalTokens, CostUSD: p.CostUSD})
	}
	writeJSON(w, http.StatusOK, out)
}

type summaryBody struct {
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	TraceCount   int64     `json:"trace_count"`
	ErrorCount   int64     `json:"error_count"`
	ErrorRate    float64   `json:"error_rate"`
	SpanCount    int64     `json:"span_count"`
	P50Ms        float64   `json:"p50_latency_ms"`
	P95Ms        float64   `json:"p95_latency_ms"`
	InputTokens  int64     `json:"input_tokens"`
	OutputTokens int64     `json:"output_tokens"`
	TotalTokens  int64     `json:"total_tokens"`
	TotalCostUSD float64   `json:"total_cost_usd"`
	AlertCount   int64     `json:"alert_count"`
}

func (a *API) summary(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	q := &query{r: r}
	start, end := timeRange(q, 1)
	if q.err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, q.err.Error())
		return
	}
	s, err := a.opts.Store.Summarize(r.Context(), projects, start, end)
	if err != nil {
		a.internal(w, "summarizing", err)
		return
	}
	out := summaryBody{Start: nsTime(start), End: nsTime(end), TraceCount: s.TraceCount, ErrorCount: s.ErrorTraces,
		SpanCount: s.SpanCount, P50Ms: ms(s.P50Ns), P95Ms: ms(s.P95Ns), InputTokens: s.InputTokens,
		OutputTokens: s.OutputTokens, TotalTokens: s.TotalTokens, TotalCostUSD: s.CostUSD, AlertCount: s.AlertCount}
	if s.TraceCount > 0 {
		out.ErrorRate = float64(s.ErrorTraces) / float64(s.TraceCount)
	}
	writeJSON(w, http.StatusOK, out)
}

type timePointBody struct {
	Time      time.Time `json:"time"`
	TimeNs    int64     `json:"time_ns"`
	Traces    int64     `json:"traces"`
	Errors    int64     `json:"errors"`
	ErrorRate float64   `json:"error_rate"`
	P50Ms     float64   `json:"p50_ms"`
	P95Ms     float64   `json:"p95_ms"`
	Tokens    int64     `json:"tokens"`
	CostUSD   float64   `json:"cost_usd"`
	Alerts    int64     `json:"alerts"`
}

type timeSeriesBody struct {
	Bucket string          `json:"bucket"`
	Start  time.Time       `json:"start"`
	End    time.Time       `json:"end"`
	Points []timePointBody `json:"points"`
}

// timeSeries answers traces, errors, latency, tokens, cost and alerts per
// bucket over a range, one point for every bucket (empty ones as zeros),
// so a chart needs one request.
func (a *API) timeSeries(w http.ResponseWriter, r *http.Request) {
	projects, ok := a.scope(w, r)
	if !ok {
		return
	}
	q := &query{r: r}
	bucket, size, start, end := seriesRange(q, "hour", 1)
	if q.err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, q.err.Error())
		return
	}
	pts, err := a.opts.Store.TimeSeries(r.Context(), projects, start, end, size)
	if err != nil {
		a.internal(w, "reading time series", err)
		return
	}
	first := start - start%size
	if start < 0 && start%size != 0 {
		first -= size
	}
	out := timeSeriesBody{Bucket: bucket, Start: nsTime(start), End: nsTime(end), Points: make([]timePointBody, 0, (end-first)/size+1)}
	byBucket := make(map[int64]store.TimePoint, len(pts))
	for _, p := range pts {
		byBucket[p.BucketNs] = p
	}
	for t := first; t <= end; t += size {
		p := byBucket[t]
		b := timePointBody{Time: nsTime(t), TimeNs: t, Traces: p.TraceCount, Errors: p.ErrorTraces,
			P50Ms: ms(p.P50Ns), P95Ms: ms(p.P95Ns), Tokens: p.TotalTokens, CostUSD: p.CostUSD, Alerts: p.AlertCount}
		if p.TraceCount > 0 {
			b.ErrorRate = float64(p.ErrorTraces) / float64(p.TraceCount)
		}
		out.Points = append(out.Points, b)
	}
	writeJSON(w, http.StatusOK, out)
}
