// Package tracestoretest is the contract every tracestore.Reader keeps: one
// fixture, loaded through the reader's own write path, and one set of
// assertions, run against the embedded SQLite store here and against
// ClickHouse where a server is available.
package tracestoretest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/agentstack/agentstack/internal/alertid"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/tracestore"
)

// Loader stores traces the way the reader's deployment does (the store
// exporter for SQLite, the clickhouse exporter's insert for ClickHouse) and
// returns once they are readable.
type Loader func(ctx context.Context, td ptrace.Traces) error

// Open returns a reader over an empty store and the loader that fills it.
type Open func(t *testing.T) (tracestore.Reader, Loader)

// Run loads the fixture once and runs every assertion against the reader.
func Run(t *testing.T, open Open) {
	ctx := context.Background()
	r, load := open(t)
	fx := NewFixture(time.Now())
	require.NoError(t, load(ctx, fx.Traces))
	require.NoError(t, r.Ping(ctx))
	s := suite{r: r, fx: fx, t0: fx.T0.UnixNano()}
	t.Run("ListTraces", s.listTraces)
	t.Run("ListTracesFilters", s.listTraceFilters)
	t.Run("ListTracesSortAndPage", s.listTraceSortAndPage)
	t.Run("GetTrace", s.getTrace)
	t.Run("Spans", s.spans)
	t.Run("Alerts", s.alerts)
	t.Run("Sessions", s.sessions)
	t.Run("CostSeries", s.costSeries)
	t.Run("Summarize", s.summarize)
	t.Run("TimeSeries", s.timeSeries)
	t.Run("HostileValuesAreData", s.hostile)
}

type suite struct {
	r  tracestore.Reader
	fx Fixture
	t0 int64
}

const (
	sec    = int64(time.Second)
	ms     = int64(time.Millisecond)
	hour   = int64(time.Hour)
	minute = int64(time.Minute)
)

var (
	a1, a2, a3, b1 = TraceID("a1"), TraceID("a2"), TraceID("a3"), TraceID("b1")
)

func ids(ts []store.Trace) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.TraceID
	}
	return out
}

func (s suite) list(t *testing.T, f store.TraceFilter) ([]string, int) {
	t.Helper()
	ts, n, err := s.r.ListTraces(context.Background(), f)
	require.NoError(t, err)
	return ids(ts), n
}

func sortedModels(m []string) []string {
	out := slices.Clone(m)
	slices.Sort(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func (s suite) checkA1(t *testing.T, tr store.Trace) {
	t.Helper()
	assert.Equal(t, ProjectA, tr.ProjectID)
	assert.Equal(t, a1, tr.TraceID)
	assert.Equal(t, "agent.run", tr.RootSpanName, "the root span names the trace")
	assert.Equal(t, "svc-a", tr.ServiceName)
	assert.Equal(t, "s1", tr.SessionID)
	assert.Equal(t, s.t0, tr.StartNs)
	assert.Equal(t, s.t0+3*sec, tr.EndNs)
	assert.Equal(t, 3*sec, tr.DurationNs)
	assert.Equal(t, int64(3), tr.SpanCount)
	assert.Equal(t, int64(1), tr.ErrorCount)
	assert.Equal(t, int64(100), tr.InputTokens)
	assert.Equal(t, int64(50), tr.OutputTokens)
	assert.Equal(t, int64(150), tr.TotalTokens, "total defaults to input + output")
	assert.InDelta(t, 0.01, tr.CostUSD, 1e-12)
	assert.Equal(t, int64(1), tr.AlertCount)
	assert.Equal(t, []string{"gpt-4o"}, sortedModels(tr.Models))
}

func (s suite) listTraces(t *testing.T) {
	ts, n, err := s.r.ListTraces(context.Background(), store.TraceFilter{ProjectIDs: []string{ProjectA}})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	require.Equal(t, []string{a3, a2, a1}, ids(ts), "newest first")
	s.checkA1(t, ts[2])
	a2t := ts[1]
	assert.Equal(t, int64(2), a2t.SpanCount)
	assert.Equal(t, int64(0), a2t.ErrorCount)
	assert.Equal(t, int64(20), a2t.TotalTokens, "an explicit total wins over input + output")
	assert.InDelta(t, 0.002, a2t.CostUSD, 1e-12)
	assert.Equal(t, []string{"claude-3-5-sonnet"}, sortedModels(a2t.Models), "gen_ai.request.model is read too")
	assert.Equal(t, "s1", a2t.SessionID)
	a3t := ts[0]
	assert.Equal(t, "cron.job", a3t.RootSpanName)
	assert.Equal(t, "svc-b", a3t.ServiceName)
	assert.Empty(t, a3t.SessionID)
	assert.Empty(t, a3t.Models)
	assert.Equal(t, 10*sec, a3t.DurationNs)

	got, n := s.list(t, store.TraceFilter{ProjectIDs: []string{ProjectA, ProjectB}})
	assert.Equal(t, 4, n)
	assert.Equal(t, []string{a3, a2, b1, a1}, got, "several projects merge in one order")
	got, n = s.list(t, store.TraceFilter{ProjectIDs: []string{ProjectB}})
	assert.Equal(t, []string{b1}, got)
	assert.Equal(t, 1, n)
	got, n = s.list(t, store.TraceFilter{})
	assert.Empty(t, got, "no projects, no traces")
	assert.Zero(t, n)
}

func (s suite) listTraceFilters(t *testing.T) {
	yes, no := true, false
	pa := []string{ProjectA}
	cases := []struct {
		name string
		f    store.TraceFilter
		want []string
	}{
		{"status error", store.TraceFilter{Status: "error"}, []string{a1}},
		{"status ok", store.TraceFilter{Status: "ok"}, []string{a3, a2}},
		{"service", store.TraceFilter{Service: "svc-b"}, []string{a3}},
		{"root name", store.TraceFilter{Name: "cron.job"}, []string{a3}},
		{"model", store.TraceFilter{Model: "gpt-4o"}, []string{a1}},
		{"model is matched whole", store.TraceFilter{Model: "gpt"}, []string{}},
		{"min duration", store.TraceFilter{MinDurationNs: 5 * sec}, []string{a3}},
		{"min cost", store.TraceFilter{MinCostUSD: 0.005}, []string{a1}},
		{"with alerts", store.TraceFilter{HasAlerts: &yes}, []string{a1}},
		{"without alerts", store.TraceFilter{HasAlerts: &no}, []string{a3, a2}},
		{"span name text", store.TraceFilter{Query: "tool"}, []string{a1}},
		{"span name text, LIKE wildcards literal", store.TraceFilter{Query: "%"}, []string{}},
		{"started after", store.TraceFilter{StartNs: s.t0 + 30*minute}, []string{a3, a2}},
		{"started before", store.TraceFilter{EndNs: s.t0 + 30*minute}, []string{a1}},
		{"combined", store.TraceFilter{Name: "agent.run", Status: "ok"}, []string{a2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.f.ProjectIDs = pa
			got, n := s.list(t, c.f)
			assert.Equal(t, c.want, got)
			assert.Equal(t, len(c.want), n, "the total counts the filtered traces")
		})
	}
}

func (s suite) listTraceSortAndPage(t *testing.T) {
	pa := []string{ProjectA}
	got, _ := s.list(t, store.TraceFilter{ProjectIDs: pa, Sort: store.SortCost, Asc: true})
	assert.Equal(t, []string{a3, a2, a1}, got)
	got, _ = s.list(t, store.TraceFilter{ProjectIDs: pa, Sort: store.SortDuration})
	assert.Equal(t, []string{a3, a1, a2}, got)
	got, _ = s.list(t, store.TraceFilter{ProjectIDs: pa, Sort: store.SortSpanCount})
	assert.Equal(t, []string{a1, a2, a3}, got)
	got, _ = s.list(t, store.TraceFilter{ProjectIDs: pa, Sort: store.SortStartTime, Asc: true})
	assert.Equal(t, []string{a1, a2, a3}, got)
	got, n := s.list(t, store.TraceFilter{ProjectIDs: pa, Limit: 1, Offset: 1})
	assert.Equal(t, []string{a2}, got)
	assert.Equal(t, 3, n, "the total ignores the page")
	got, _ = s.list(t, store.TraceFilter{ProjectIDs: []string{ProjectA, ProjectB}, Limit: 2, Offset: 1})
	assert.Equal(t, []string{a2, b1}, got, "pages across projects")
	got, _ = s.list(t, store.TraceFilter{ProjectIDs: pa, Sort: "no-such-key"})
	assert.Equal(t, []string{a3, a2, a1}, got, "an unknown sort key falls back to start time")
}

func (s suite) getTrace(t *testing.T) {
	ctx := context.Background()
	tr, err := s.r.GetTrace(ctx, []string{ProjectA}, a1)
	require.NoError(t, err)
	s.checkA1(t, tr)
	_, err = s.r.GetTrace(ctx, []string{ProjectB}, a1)
	assert.ErrorIs(t, err, store.ErrNotFound, "another project's trace is not found")
	_, err = s.r.GetTrace(ctx, nil, a1)
	assert.ErrorIs(t, err, store.ErrNotFound)
	tr, err = s.r.GetTrace(ctx, []string{ProjectA, ProjectB}, b1)
	require.NoError(t, err)
	assert.Equal(t, ProjectB, tr.ProjectID)
	assert.InDelta(t, 0.5, tr.CostUSD, 1e-12)
	assert.Equal(t, int64(1500), tr.TotalTokens)
}

// stringMap decodes a JSON object with every value as text, the form both
// stores can answer (ClickHouse's attribute maps hold strings).
func stringMap(t *testing.T, b []byte) map[string]string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		} else {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

type eventOut struct {
	Name         string         `json:"name"`
	TimeUnixNano int64          `json:"time_unix_nano"`
	Attributes   map[string]any `json:"attributes"`
}

func (s suite) spans(t *testing.T) {
	ctx := context.Background()
	sps, err := s.r.SpansOfTrace(ctx, ProjectA, a1)
	require.NoError(t, err)
	require.Len(t, sps, 3)
	assert.Equal(t, []string{SpanID("a1r"), SpanID("a1l"), SpanID("a1t")}, []string{sps[0].SpanID, sps[1].SpanID, sps[2].SpanID}, "by start time")
	root, llm, tool := sps[0], sps[1], sps[2]
	assert.Empty(t, root.ParentSpanID)
	assert.Equal(t, int(ptrace.SpanKindServer), root.Kind)
	assert.Equal(t, "OK", root.StatusCode)
	assert.Equal(t, "s1", root.SessionID)
	assert.Equal(t, "svc-a", root.ServiceName)
	assert.Equal(t, "agent-sdk", root.ScopeName)
	assert.Equal(t, SpanID("a1r"), llm.ParentSpanID)
	assert.Equal(t, int(ptrace.SpanKindClient), llm.Kind)
	assert.Equal(t, "UNSET", llm.StatusCode)
	assert.Equal(t, "gpt-4o", llm.Model)
	assert.Equal(t, int64(100), llm.InputTokens)
	assert.Equal(t, int64(50), llm.OutputTokens)
	assert.Equal(t, int64(150), llm.TotalTokens)
	assert.InDelta(t, 0.01, llm.CostUSD, 1e-12)
	assert.Equal(t, s.t0+sec, llm.StartNs)
	assert.Equal(t, s.t0+2*sec, llm.EndNs)
	assert.Equal(t, "gpt-4o", stringMap(t, llm.Attributes)["agentstack.llm.model"])
	assert.Equal(t, "100", stringMap(t, llm.Attributes)["agentstack.usage.input_tokens"])
	res := stringMap(t, llm.ResourceAttributes)
	assert.Equal(t, ProjectA, res["agentstack.project.id"])
	assert.Equal(t, "svc-a", res["service.name"])
	assert.Equal(t, "ERROR", tool.StatusCode)
	assert.Equal(t, "boom", tool.StatusMessage)
	var evs []eventOut
	require.NoError(t, json.Unmarshal(tool.Events, &evs))
	require.Len(t, evs, 2)
	assert.Equal(t, "log", evs[0].Name)
	assert.Equal(t, s.t0+2100*ms, evs[0].TimeUnixNano)
	assert.Equal(t, "agentstack.security.alert", evs[1].Name)
	assert.Equal(t, "injection.direct", fmt.Sprint(evs[1].Attributes["agentstack.alert.rule"]))
	var links []any
	require.NoError(t, json.Unmarshal(tool.Links, &links))
	assert.Empty(t, links)

	other, err := s.r.SpansOfTrace(ctx, ProjectB, a1)
	require.NoError(t, err)
	assert.Empty(t, other, "another project's spans are not read")

	sp, err := s.r.GetSpan(ctx, []string{ProjectB, ProjectA}, SpanID("a1l"))
	require.NoError(t, err)
	assert.Equal(t, a1, sp.TraceID)
	assert.Equal(t, "llm.chat", sp.Name)
	_, err = s.r.GetSpan(ctx, []string{ProjectB}, SpanID("a1l"))
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.r.GetSpan(ctx, nil, SpanID("a1l"))
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func (s suite) alerts(t *testing.T) {
	ctx := context.Background()
	as, err := s.r.AlertsOfTrace(ctx, ProjectA, a1, "")
	require.NoError(t, err)
	require.Len(t, as, 1)
	a := as[0]
	assert.Equal(t, alertid.ID(ProjectA, a1, SpanID("a1t"), 1, "injection.direct"), a.ID,
		"the id is alertid's, from the event's position among the span's events")
	assert.Equal(t, ProjectA, a.ProjectID)
	assert.Equal(t, a1, a.TraceID)
	assert.Equal(t, SpanID("a1t"), a.SpanID)
	assert.Equal(t, "injection.direct", a.Rule)
	assert.Equal(t, "prompt_injection", a.Type)
	assert.Equal(t, "high", a.Severity)
	assert.Equal(t, int64(80), a.Score)
	assert.Equal(t, "instruction override", a.Description)
	assert.Equal(t, "tool.output", a.AttributeKey)
	assert.Equal(t, "attribute", a.Source)
	assert.Equal(t, "ignore previous…", a.Preview)
	assert.Equal(t, "alert", a.Action)
	assert.Equal(t, s.t0+2400*ms, a.TimeNs)

	as, err = s.r.AlertsOfTrace(ctx, ProjectA, a1, SpanID("a1l"))
	require.NoError(t, err)
	assert.Empty(t, as, "filtered to a span without alerts")
	as, err = s.r.AlertsOfTrace(ctx, ProjectB, a1, "")
	require.NoError(t, err)
	assert.Empty(t, as)

	both := []string{ProjectA, ProjectB}
	list, n, err := s.r.ListAlerts(ctx, store.AlertFilter{ProjectIDs: both})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	require.Len(t, list, 2)
	assert.Equal(t, "pii.email", list[0].Rule, "newest first")
	assert.Equal(t, s.t0+30*minute+2*sec, list[0].TimeNs, "an event without a time takes its span's end")
	assert.Equal(t, alertid.ID(ProjectB, b1, SpanID("b1r"), 0, "pii.email"), list[0].ID)
	assert.Equal(t, "injection.direct", list[1].Rule)

	list, n, err = s.r.ListAlerts(ctx, store.AlertFilter{ProjectIDs: both, Severity: "high"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "injection.direct", list[0].Rule)
	list, n, err = s.r.ListAlerts(ctx, store.AlertFilter{ProjectIDs: both, Rule: "pii.email"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, ProjectB, list[0].ProjectID)
	_, n, err = s.r.ListAlerts(ctx, store.AlertFilter{ProjectIDs: both, StartNs: s.t0 + hour})
	require.NoError(t, err)
	assert.Zero(t, n)
	list, n, err = s.r.ListAlerts(ctx, store.AlertFilter{ProjectIDs: both, EndNs: s.t0 + 10*minute})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "injection.direct", list[0].Rule)
	list, n, err = s.r.ListAlerts(ctx, store.AlertFilter{ProjectIDs: both, Limit: 1, Offset: 1})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	require.Len(t, list, 1)
	assert.Equal(t, "injection.direct", list[0].Rule)
	list, n, err = s.r.ListAlerts(ctx, store.AlertFilter{ProjectIDs: []string{ProjectB}})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, ProjectB, list[0].ProjectID)
}

func (s suite) sessions(t *testing.T) {
	ctx := context.Background()
	ss, n, err := s.r.ListSessions(ctx, store.SessionFilter{ProjectIDs: []string{ProjectA}})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.Len(t, ss, 1)
	x := ss[0]
	assert.Equal(t, store.Session{ProjectID: ProjectA, SessionID: "s1", TraceCount: 2, ErrorCount: 1,
		FirstNs: s.t0, LastNs: s.t0 + hour + sec, InputTokens: 110, OutputTokens: 55, TotalTokens: 170,
		CostUSD: x.CostUSD, AlertCount: 1}, x)
	assert.InDelta(t, 0.012, x.CostUSD, 1e-12)

	ss, n, err = s.r.ListSessions(ctx, store.SessionFilter{ProjectIDs: []string{ProjectA, ProjectB}})
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the same session id in two projects is two sessions")
	require.Len(t, ss, 2)
	assert.Equal(t, ProjectA, ss[0].ProjectID, "most recently active first")
	assert.Equal(t, ProjectB, ss[1].ProjectID)

	_, n, err = s.r.ListSessions(ctx, store.SessionFilter{ProjectIDs: []string{ProjectA}, StartNs: s.t0 + 30*minute})
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	ts, err := s.r.SessionTraces(ctx, []string{ProjectA}, "s1")
	require.NoError(t, err)
	assert.Equal(t, []string{a1, a2}, ids(ts), "in start order")
	ts, err = s.r.SessionTraces(ctx, []string{ProjectB}, "s1")
	require.NoError(t, err)
	assert.Equal(t, []string{b1}, ids(ts))
	ts, err = s.r.SessionTraces(ctx, []string{ProjectA}, "")
	require.NoError(t, err)
	assert.Empty(t, ts)
}

func (s suite) costSeries(t *testing.T) {
	ctx := context.Background()
	pts, err := s.r.CostSeries(ctx, []string{ProjectA}, s.t0, s.t0+3*hour, hour)
	require.NoError(t, err)
	require.Len(t, pts, 2)
	assert.Equal(t, store.CostPoint{BucketNs: s.t0, Model: "gpt-4o", Calls: 1, InputTokens: 100, OutputTokens: 50,
		TotalTokens: 150, CostUSD: pts[0].CostUSD}, pts[0])
	assert.InDelta(t, 0.01, pts[0].CostUSD, 1e-12)
	assert.Equal(t, store.CostPoint{BucketNs: s.t0 + hour, Model: "claude-3-5-sonnet", Calls: 1, InputTokens: 10, OutputTokens: 5,
		TotalTokens: 20, CostUSD: pts[1].CostUSD}, pts[1])

	// Mid-hour starts count their whole hour; the end is exclusive.
	pts, err = s.r.CostSeries(ctx, []string{ProjectA}, s.t0+10*minute, s.t0+hour, hour)
	require.NoError(t, err)
	require.Len(t, pts, 1)
	assert.Equal(t, "gpt-4o", pts[0].Model)

	day := int64(24 * time.Hour)
	pts, err = s.r.CostSeries(ctx, []string{ProjectA, ProjectB}, s.t0, s.t0+3*hour, day)
	require.NoError(t, err)
	var gpt store.CostPoint
	for _, p := range pts {
		assert.Zero(t, p.BucketNs%day, "day buckets are UTC days")
		if p.Model == "gpt-4o" {
			gpt.Calls += p.Calls
			gpt.CostUSD += p.CostUSD
			gpt.TotalTokens += p.TotalTokens
		}
	}
	assert.Equal(t, int64(2), gpt.Calls, "both projects' gpt-4o calls")
	assert.InDelta(t, 0.51, gpt.CostUSD, 1e-9)
	assert.Equal(t, int64(1650), gpt.TotalTokens)

	pts, err = s.r.CostSeries(ctx, nil, s.t0, s.t0+3*hour, hour)
	require.NoError(t, err)
	assert.Empty(t, pts)
	_, err = s.r.CostSeries(ctx, []string{ProjectA}, s.t0, s.t0+hour, 0)
	assert.Error(t, err, "a zero bucket is refused")
}

func (s suite) summarize(t *testing.T) {
	ctx := context.Background()
	sum, err := s.r.Summarize(ctx, []string{ProjectA}, s.t0, s.t0+3*hour)
	require.NoError(t, err)
	assert.Equal(t, store.Summary{TraceCount: 3, ErrorTraces: 1, SpanCount: 6, P50Ns: 3 * sec, P95Ns: 10 * sec,
		InputTokens: 110, OutputTokens: 55, TotalTokens: 170, CostUSD: sum.CostUSD, AlertCount: 1}, sum)
	assert.InDelta(t, 0.012, sum.CostUSD, 1e-12)

	sum, err = s.r.Summarize(ctx, []string{ProjectA}, s.t0+30*minute, s.t0+3*hour)
	require.NoError(t, err)
	assert.Equal(t, int64(2), sum.TraceCount)
	assert.Equal(t, int64(0), sum.AlertCount)
	assert.Equal(t, sec, sum.P50Ns)

	sum, err = s.r.Summarize(ctx, nil, s.t0, s.t0+3*hour)
	require.NoError(t, err)
	assert.Equal(t, store.Summary{}, sum)
}

func (s suite) timeSeries(t *testing.T) {
	ctx := context.Background()
	pts, err := s.r.TimeSeries(ctx, []string{ProjectA}, s.t0, s.t0+3*hour, hour)
	require.NoError(t, err)
	require.Len(t, pts, 3, "one point per hour that has traces")
	var traces, errs, tokens, alerts int64
	var cost float64
	for i, p := range pts {
		assert.Equal(t, s.t0+int64(i)*hour, p.BucketNs, "in time order, on whole hours")
		assert.Equal(t, int64(1), p.TraceCount)
		assert.Equal(t, p.P50Ns, p.P95Ns, "one trace per bucket")
		traces, errs, tokens, alerts, cost = traces+p.TraceCount, errs+p.ErrorTraces, tokens+p.TotalTokens, alerts+p.AlertCount, cost+p.CostUSD
	}
	assert.Equal(t, []int64{3 * sec, sec, 10 * sec}, []int64{pts[0].P50Ns, pts[1].P50Ns, pts[2].P50Ns})
	assert.Equal(t, int64(1), pts[0].ErrorTraces)
	assert.Equal(t, int64(1), pts[0].AlertCount)
	sum, err := s.r.Summarize(ctx, []string{ProjectA}, s.t0, s.t0+3*hour)
	require.NoError(t, err)
	assert.Equal(t, sum.TraceCount, traces)
	assert.Equal(t, sum.ErrorTraces, errs)
	assert.Equal(t, sum.TotalTokens, tokens)
	assert.Equal(t, sum.AlertCount, alerts)
	assert.InDelta(t, sum.CostUSD, cost, 1e-12)

	pts, err = s.r.TimeSeries(ctx, []string{ProjectA}, s.t0, s.t0+3*hour, 24*hour)
	require.NoError(t, err)
	require.NotEmpty(t, pts)
	traces = 0
	for _, p := range pts {
		assert.Zero(t, p.BucketNs%(24*hour), "day buckets are UTC days")
		traces += p.TraceCount
	}
	assert.Equal(t, int64(3), traces)

	pts, err = s.r.TimeSeries(ctx, nil, s.t0, s.t0+3*hour, hour)
	require.NoError(t, err)
	assert.Empty(t, pts)
	pts, err = s.r.TimeSeries(ctx, []string{Hostile}, s.t0, s.t0+3*hour, hour)
	require.NoError(t, err)
	assert.Empty(t, pts)
	_, err = s.r.TimeSeries(ctx, []string{ProjectA}, s.t0, s.t0+3*hour, 0)
	assert.Error(t, err, "a zero bucket is refused")
}

func (s suite) hostile(t *testing.T) {
	ctx := context.Background()
	got, n := s.list(t, store.TraceFilter{ProjectIDs: []string{Hostile}})
	assert.Empty(t, got)
	assert.Zero(t, n)
	for _, f := range []store.TraceFilter{
		{Service: Hostile}, {Name: Hostile}, {Model: Hostile}, {Query: Hostile}, {Status: Hostile, Service: Hostile},
	} {
		f.ProjectIDs = []string{ProjectA}
		got, n := s.list(t, f)
		assert.Empty(t, got, "%+v", f)
		assert.Zero(t, n)
	}
	_, err := s.r.GetTrace(ctx, []string{ProjectA}, Hostile)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.r.GetSpan(ctx, []string{ProjectA}, Hostile)
	assert.ErrorIs(t, err, store.ErrNotFound)
	sps, err := s.r.SpansOfTrace(ctx, Hostile, a1)
	require.NoError(t, err)
	assert.Empty(t, sps)
	_, n, err = s.r.ListAlerts(ctx, store.AlertFilter{ProjectIDs: []string{ProjectA}, Severity: Hostile, Rule: Hostile})
	require.NoError(t, err)
	assert.Zero(t, n)
	ts, err := s.r.SessionTraces(ctx, []string{ProjectA}, Hostile)
	require.NoError(t, err)
	assert.Empty(t, ts)
}
