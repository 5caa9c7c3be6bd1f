package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/store"
)

const (
	t1 = "11111111111111111111111111111111"
	t2 = "22222222222222222222222222222222"
	t3 = "33333333333333333333333333333333"
)

// fixture stores three traces in project p:
//
//	t1: agent.run (1000 ms) > llm.call (gpt-4o, $0.50), session sess-1
//	t2: agent.run (200 ms) > tool.search (ERROR, one high alert), session sess-1
//	t3: other.job (50 ms, service batch, claude-3, $0.01)
func fixture(e *env, p string) {
	r1 := span(p, t1, "a100000000000001", "", "agent.run", 0, 1000)
	r1.SessionID = "sess-1"
	l1 := span(p, t1, "a100000000000002", "a100000000000001", "llm.call", 100, 800)
	l1.Model, l1.InputTokens, l1.OutputTokens, l1.TotalTokens, l1.CostUSD = "gpt-4o", 100, 50, 150, 0.5
	r2 := span(p, t2, "a200000000000001", "", "agent.run", 10_000, 200)
	r2.SessionID = "sess-1"
	c2 := span(p, t2, "a200000000000002", "a200000000000001", "tool.search", 10_050, 100)
	c2.StatusCode, c2.StatusMessage = "ERROR", "boom"
	r3 := span(p, t3, "a300000000000001", "", "other.job", 20_000, 50)
	r3.ServiceName, r3.Model, r3.TotalTokens, r3.CostUSD = "batch", "claude-3", 10, 0.01
	e.write(store.Batch{
		Spans: []store.Span{r1, l1, r2, c2, r3},
		Alerts: []store.Alert{{ID: "al-" + p, ProjectID: p, TraceID: t2, SpanID: c2.SpanID, Rule: "prompt_injection",
			Severity: "high", Score: 80, Description: "looks like an injection", TimeNs: c2.StartNs}},
	})
}

func TestRegisterLoginAndTheFirstUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bootKey, _ := apikey.Generate()
	boot, err := e.st.CreateProject(ctx, "default", "", bootKey)
	require.NoError(t, err)

	r := e.do("POST", "/api/v1/auth/register", "", credentials{Email: "Ada@example.com", Password: "correct horse battery"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var first tokenBody
	r.json(t, &first)
	assert.Equal(t, "bearer", first.TokenType)
	assert.True(t, first.User.IsAdmin, "the first user is admin")
	assert.Equal(t, "Ada@example.com", first.User.Email)
	assert.InDelta(t, time.Now().Add(7*24*time.Hour).Unix(), first.ExpiresAt, 5)

	// The bootstrap project now belongs to the first user.
	var list struct{ Items []projectBody }
	e.do("GET", "/api/v1/projects", first.AccessToken, nil).json(t, &list)
	require.Len(t, list.Items, 1)
	assert.Equal(t, boot.ID, list.Items[0].ID)

	second, _ := e.register("bob@example.com")
	var me userBody
	e.do("GET", "/api/v1/auth/me", second, nil).json(t, &me)
	assert.False(t, me.IsAdmin)
	assert.Equal(t, "bob@example.com", me.Email)
	e.do("GET", "/api/v1/projects", second, nil).json(t, &list)
	assert.Empty(t, list.Items, "the bootstrap project went to the first user only")

	r = e.do("POST", "/api/v1/auth/register", "", credentials{Email: "ada@EXAMPLE.com", Password: "another password"})
	assert.Equal(t, http.StatusConflict, r.Status)
	assert.Equal(t, codeConflict, r.errCode(t))

	for _, bad := range []credentials{{Email: "not-an-email", Password: "long enough"}, {Email: "c@example.com", Password: "short"}} {
		r = e.do("POST", "/api/v1/auth/register", "", bad)
		assert.Equal(t, http.StatusBadRequest, r.Status, bad.Email)
	}

	r = e.do("POST", "/api/v1/auth/login", "", credentials{Email: "ada@example.com", Password: "correct horse battery"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var login tokenBody
	r.json(t, &login)
	assert.Equal(t, first.User, login.User)

	wrongPw := e.do("POST", "/api/v1/auth/login", "", credentials{Email: "ada@example.com", Password: "wrong password"})
	noUser := e.do("POST", "/api/v1/auth/login", "", credentials{Email: "nobody@example.com", Password: "correct horse battery"})
	assert.Equal(t, http.StatusUnauthorized, wrongPw.Status)
	assert.Equal(t, http.StatusUnauthorized, noUser.Status)
	assert.Equal(t, string(wrongPw.Body), string(noUser.Body), "a failed login does not say which part was wrong")
	assert.Contains(t, string(noUser.Body), "invalid email or password")
}

func TestRegistrationCanBeClosed(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AllowRegistration = false })
	e.register("first@example.com")
	r := e.do("POST", "/api/v1/auth/register", "", credentials{Email: "second@example.com", Password: "correct horse battery"})
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, codeForbidden, r.errCode(t))
}

func TestAuthIsRateLimited(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AuthPerMinute = 3 })
	for i := 0; i < 3; i++ {
		r := e.do("POST", "/api/v1/auth/login", "", credentials{Email: "x@example.com", Password: "whatever1"})
		require.Equal(t, http.StatusUnauthorized, r.Status)
	}
	r := e.do("POST", "/api/v1/auth/login", "", credentials{Email: "x@example.com", Password: "whatever1"})
	assert.Equal(t, http.StatusTooManyRequests, r.Status)
	assert.Equal(t, codeRateLimited, r.errCode(t))
	after, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err)
	assert.InDelta(t, 20, after, 1, "one token comes back every 20 s at 3/min")
	r = e.do("POST", "/api/v1/auth/register", "", credentials{Email: "y@example.com", Password: "whatever1"})
	assert.Equal(t, http.StatusTooManyRequests, r.Status, "register shares the limit")
}

func TestTokensAreRequiredAndChecked(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/projects", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, codeUnauthorized, r.errCode(t))
	assert.NotEmpty(t, r.Header.Get("WWW-Authenticate"))
	r = e.do("GET", "/api/v1/projects", "not.a.token", nil)
	assert.Equal(t, http.StatusUnauthorized, r.Status)
}

func TestProjectLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok, uid := e.register("owner@example.com")

	created := e.createProject(tok, "  my agent  ")
	assert.Equal(t, "my agent", created.Project.Name)
	require.True(t, strings.HasPrefix(created.APIKey, apikey.Prefix))
	assert.Equal(t, apikey.Hint(created.APIKey), created.Project.KeyHint)
	id, err := e.st.ProjectIDByKeyDigest(ctx, apikey.Sum(created.APIKey))
	require.NoError(t, err)
	assert.Equal(t, created.Project.ID, id)
	stored, err := e.st.GetProject(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, uid, stored.OwnerID)

	r := e.do("GET", "/api/v1/projects/"+id, tok, nil)
	require.Equal(t, http.StatusOK, r.Status)
	var got projectBody
	r.json(t, &got)
	assert.Equal(t, created.Project.ID, got.ID)
	assert.NotContains(t, string(r.Body), created.APIKey, "the key is shown only once")

	r = e.do("POST", "/api/v1/projects/"+id+"/rotate-key", tok, nil)
	require.Equal(t, http.StatusOK, r.Status)
	var rotated projectWithKey
	r.json(t, &rotated)
	assert.NotEqual(t, created.APIKey, rotated.APIKey)
	_, err = e.st.ProjectIDByKeyDigest(ctx, apikey.Sum(created.APIKey))
	assert.ErrorIs(t, err, store.ErrNotFound, "the old key no longer resolves")
	id2, err := e.st.ProjectIDByKeyDigest(ctx, apikey.Sum(rotated.APIKey))
	require.NoError(t, err)
	assert.Equal(t, id, id2)

	fixture(e, id)
	r = e.do("DELETE", "/api/v1/projects/"+id, tok, nil)
	assert.Equal(t, http.StatusNoContent, r.Status)
	assert.Empty(t, r.Body)
	assert.Equal(t, http.StatusNotFound, e.do("GET", "/api/v1/projects/"+id, tok, nil).Status)
	_, total, err := e.st.ListTraces(ctx, store.TraceFilter{ProjectIDs: []string{id}})
	require.NoError(t, err)
	assert.Zero(t, total, "the project's traces went with it")
	_, err = e.st.GetSpan(ctx, []string{id}, "a100000000000001")
	assert.ErrorIs(t, err, store.ErrNotFound)

	for _, bad := range []map[string]string{{"name": ""}, {"name": strings.Repeat("x", 101)}} {
		assert.Equal(t, http.StatusBadRequest, e.do("POST", "/api/v1/projects", tok, bad).Status)
	}
}

type tracePage struct {
	Items      []traceBody `json:"items"`
	Total      int         `json:"total"`
	Page       int         `json:"page"`
	PageSize   int         `json:"page_size"`
	TotalPages int         `json:"total_pages"`
}

func traceIDs(p tracePage) []string {
	var ids []string
	for _, t := range p.Items {
		ids = append(ids, t.TraceID)
	}
	return ids
}

func TestTraceListFiltersSortsAndPages(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.register("u@example.com")
	p := e.createProject(tok, "p").Project.ID
	fixture(e, p)

	list := func(params string) tracePage {
		t.Helper()
		r := e.do("GET", "/api/v1/traces?"+params, tok, nil)
		require.Equal(t, http.StatusOK, r.Status, params+": "+string(r.Body))
		var pg tracePage
		r.json(t, &pg)
		return pg
	}
	all := list("")
	assert.Equal(t, []string{t3, t2, t1}, traceIDs(all), "newest first by default")
	assert.Equal(t, 3, all.Total)
	first := all.Items[2]
	assert.Equal(t, "agent.run", first.Name)
	assert.Equal(t, int64(2), first.SpanCount)
	assert.Equal(t, 1000.0, first.DurationMs)
	assert.Equal(t, int64(150), first.TotalTokens)
	assert.InDelta(t, 0.5, first.CostUSD, 1e-9)
	assert.Equal(t, []string{"gpt-4o"}, first.Models)
	assert.Equal(t, "sess-1", first.SessionID)
	assert.Equal(t, "ok", first.Status)
	assert.Equal(t, "error", all.Items[1].Status)
	assert.Equal(t, int64(1), all.Items[1].AlertCount)

	cases := map[string][]string{
		"status=error":              {t2},
		"status=ok":                 {t3, t1},
		"service=batch":             {t3},
		"name=agent.run":            {t2, t1},
		"model=gpt-4o":              {t1},
		"model=gpt":                 nil,
		"min_duration_ms=150":       {t2, t1},
		"min_cost=0.1":              {t1},
		"has_alerts=true":           {t2},
		"has_alerts=false":          {t3, t1},
		"q=tool.sea":                {t2},
		"q=%25":                     nil, // a literal %, not a wildcard
		"sort=duration&order=asc":   {t3, t2, t1},
		"sort=cost":                 {t1, t3, t2},
		"sort=span_count&order=asc": {t3, t2, t1}, // a tie goes by trace id, against the key's order
		"project_id=" + p:           {t3, t2, t1},
		"start=" + strconv.FormatInt(base+5*int64(time.Second), 10):                                       {t3, t2},
		"end=" + url.QueryEscape(time.Unix(0, base+15*int64(time.Second)).UTC().Format(time.RFC3339Nano)): {t2, t1},
	}
	for params, want := range cases {
		assert.Equal(t, want, traceIDs(list(params)), params)
	}

	pg := list("page=2&page_size=2")
	assert.Equal(t, []string{t1}, traceIDs(pg))
	assert.Equal(t, 3, pg.Total)
	assert.Equal(t, 2, pg.Page)
	assert.Equal(t, 2, pg.PageSize)
	assert.Equal(t, 2, pg.TotalPages)

	for _, bad := range []string{"page_size=201", "page=0", "status=meh", "sort=name", "start=yesterday", "min_cost=-1", "has_alerts=maybe"} {
		r := e.do("GET", "/api/v1/traces?"+bad, tok, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status, bad)
		assert.Equal(t, codeBadRequest, r.errCode(t), bad)
	}
}

func TestTraceAndSpanDetail(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.register("u@example.com")
	p := e.createProject(tok, "p").Project.ID
	fixture(e, p)

	r := e.do("GET", "/api/v1/traces/"+t2, tok, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var d traceDetail
	r.json(t, &d)
	assert.Equal(t, t2, d.Trace.TraceID)
	require.Len(t, d.Spans, 2)
	assert.Equal(t, "agent.run", d.Spans[0].Name, "by start time")
	assert.Equal(t, d.Spans[0].SpanID, d.Spans[1].ParentSpanID)
	assert.Equal(t, "ERROR", d.Spans[1].Status)
	assert.JSONEq(t, `{"k":"v"}`, string(d.Spans[1].Attributes))
	require.Len(t, d.Alerts, 1)
	assert.Equal(t, d.Spans[1].SpanID, d.Alerts[0].SpanID)

	r = e.do("GET", "/api/v1/spans/a200000000000002", tok, nil)
	require.Equal(t, http.StatusOK, r.Status)
	var sd spanDetail
	r.json(t, &sd)
	assert.Equal(t, "tool.search", sd.Name)
	assert.Equal(t, "boom", sd.StatusMessage)
	assert.Equal(t, 100.0, sd.DurationMs)
	require.Len(t, sd.Alerts, 1)
	assert.Equal(t, "prompt_injection", sd.Alerts[0].Rule)
	assert.Equal(t, t2, sd.Alerts[0].TraceID)

	assert.Equal(t, http.StatusNotFound, e.do("GET", "/api/v1/traces/"+strings.Repeat("9", 32), tok, nil).Status)
	assert.Equal(t, http.StatusNotFound, e.do("GET", "/api/v1/spans/ffffffffffffffff", tok, nil).Status)
}

func TestSessionsAlertsAndAnalytics(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.register("u@example.com")
	p := e.createProject(tok, "p").Project.ID
	fixture(e, p)
	rangeQ := fmt.Sprintf("start=%d&end=%d", base-int64(time.Hour), base+int64(time.Hour))

	r := e.do("GET", "/api/v1/sessions", tok, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var sessions struct {
		Items []sessionBody
		Total int
	}
	r.json(t, &sessions)
	require.Equal(t, 1, sessions.Total)
	s := sessions.Items[0]
	assert.Equal(t, "sess-1", s.SessionID)
	assert.Equal(t, int64(2), s.TraceCount)
	assert.Equal(t, int64(1), s.ErrorCount)
	assert.InDelta(t, 0.5, s.CostUSD, 1e-9)
	assert.Equal(t, nsTime(base), s.FirstTime)
	assert.Equal(t, nsTime(base+10_200*1e6), s.LastTime)

	r = e.do("GET", "/api/v1/sessions/sess-1", tok, nil)
	require.Equal(t, http.StatusOK, r.Status)
	var sd struct {
		Session sessionBody
		Traces  []traceBody
	}
	r.json(t, &sd)
	require.Len(t, sd.Traces, 2)
	assert.Equal(t, []string{t1, t2}, []string{sd.Traces[0].TraceID, sd.Traces[1].TraceID}, "in start order")
	assert.Equal(t, s, sd.Session)
	assert.Equal(t, http.StatusNotFound, e.do("GET", "/api/v1/sessions/nope", tok, nil).Status)

	r = e.do("GET", "/api/v1/security/alerts?severity=high&"+rangeQ, tok, nil)
	require.Equal(t, http.StatusOK, r.Status)
	var alerts struct {
		Items []alertBody
		Total int
	}
	r.json(t, &alerts)
	require.Equal(t, 1, alerts.Total)
	assert.Equal(t, t2, alerts.Items[0].TraceID)
	assert.Equal(t, "a200000000000002", alerts.Items[0].SpanID)
	e.do("GET", "/api/v1/security/alerts?severity=low", tok, nil).json(t, &alerts)
	assert.Zero(t, alerts.Total)
	e.do("GET", "/api/v1/security/alerts?rule=prompt_injection", tok, nil).json(t, &alerts)
	assert.Equal(t, 1, alerts.Total)

	r = e.do("GET", "/api/v1/analytics/cost?bucket=hour&"+rangeQ, tok, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var cost costBody
	r.json(t, &cost)
	require.Len(t, cost.Series, 2)
	assert.Equal(t, "claude-3", cost.Series[0].Model)
	assert.Equal(t, "gpt-4o", cost.Series[1].Model)
	assert.Equal(t, nsTime(base), cost.Series[1].Time)
	assert.Equal(t, int64(150), cost.Series[1].TotalTokens)
	assert.InDelta(t, 0.51, cost.TotalCostUSD, 1e-9)
	e.do("GET", "/api/v1/analytics/cost?bucket=day&"+rangeQ, tok, nil).json(t, &cost)
	require.Len(t, cost.Series, 2)
	assert.Equal(t, nsTime(base).Truncate(24*time.Hour), cost.Series[0].Time)
	assert.Equal(t, http.StatusBadRequest, e.do("GET", "/api/v1/analytics/cost?bucket=hour&start=1&end="+strconv.FormatInt(base, 10), tok, nil).Status,
		"decades of hourly buckets are refused")

	r = e.do("GET", "/api/v1/analytics/summary?"+rangeQ, tok, nil)
	require.Equal(t, http.StatusOK, r.Status)
	var sum summaryBody
	r.json(t, &sum)
	assert.Equal(t, int64(3), sum.TraceCount)
	assert.Equal(t, int64(1), sum.ErrorCount)
	assert.InDelta(t, 1.0/3, sum.ErrorRate, 1e-9)
	assert.Equal(t, 200.0, sum.P50Ms)
	assert.Equal(t, 1000.0, sum.P95Ms)
	assert.Equal(t, int64(160), sum.TotalTokens)
	assert.InDelta(t, 0.51, sum.TotalCostUSD, 1e-9)
	assert.Equal(t, int64(1), sum.AlertCount)
	assert.Equal(t, int64(5), sum.SpanCount)
}

func TestErrorsHealthCORSAndUI(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.register("u@example.com")

	r := e.do("GET", "/api/v1/health", "", nil)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.JSONEq(t, `{"status":"ok"}`, string(r.Body))

	r = e.do("GET", "/api/v1/nope", tok, nil)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, codeNotFound, r.errCode(t))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))

	r = e.do("PUT", "/api/v1/projects/abc", tok, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, r.Status)
	assert.Equal(t, "method_not_allowed", r.errCode(t))
	assert.Equal(t, "GET, DELETE", r.Header.Get("Allow"))

	r = e.do("POST", "/api/v1/projects", tok, nil)
	assert.Equal(t, http.StatusBadRequest, r.Status, "empty body")

	r = e.do("GET", "/traces/abc", "", nil)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, "<html>ui</html>", string(r.Body))

	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+"/api/v1/traces", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "authorization")
		res, err := e.srv.Client().Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res
	}
	res := preflight("http://localhost:5173")
	assert.Equal(t, http.StatusNoContent, res.StatusCode)
	assert.Equal(t, "http://localhost:5173", res.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, res.Header.Get("Access-Control-Allow-Headers"), "Authorization")
	res = preflight("http://evil.example")
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))
}

func TestTimeSeries(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.register("u@example.com")
	p := e.createProject(tok, "p").Project.ID
	fixture(e, p)
	rangeQ := fmt.Sprintf("start=%d&end=%d", base-int64(time.Hour), base+int64(time.Hour))

	r := e.do("GET", "/api/v1/analytics/timeseries?bucket=hour&project_id="+p+"&"+rangeQ, tok, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var ts timeSeriesBody
	r.json(t, &ts)
	assert.Equal(t, "hour", ts.Bucket)
	require.Len(t, ts.Points, 3, "every bucket of the range, empty ones too")
	assert.Equal(t, nsTime(base-int64(time.Hour)), ts.Points[0].Time)
	assert.Equal(t, base-int64(time.Hour), ts.Points[0].TimeNs)
	assert.Zero(t, ts.Points[0].Traces)
	assert.Zero(t, ts.Points[2].Traces)
	pt := ts.Points[1]
	assert.Equal(t, nsTime(base), pt.Time)
	assert.Equal(t, int64(3), pt.Traces)
	assert.Equal(t, int64(1), pt.Errors)
	assert.InDelta(t, 1.0/3, pt.ErrorRate, 1e-9)
	assert.Equal(t, 200.0, pt.P50Ms)
	assert.Equal(t, 1000.0, pt.P95Ms)
	assert.Equal(t, int64(160), pt.Tokens)
	assert.InDelta(t, 0.51, pt.CostUSD, 1e-9)
	assert.Equal(t, int64(1), pt.Alerts)

	// The points agree with the summary of the same range.
	var sum summaryBody
	e.do("GET", "/api/v1/analytics/summary?"+rangeQ, tok, nil).json(t, &sum)
	var traces, errs, tokens int64
	for _, pt := range ts.Points {
		traces, errs, tokens = traces+pt.Traces, errs+pt.Errors, tokens+pt.Tokens
	}
	assert.Equal(t, sum.TraceCount, traces)
	assert.Equal(t, sum.ErrorCount, errs)
	assert.Equal(t, sum.TotalTokens, tokens)

	// Default bucket is the hour; day buckets are UTC days.
	e.do("GET", "/api/v1/analytics/timeseries?"+rangeQ, tok, nil).json(t, &ts)
	assert.Equal(t, "hour", ts.Bucket)
	e.do("GET", "/api/v1/analytics/timeseries?bucket=day&"+rangeQ, tok, nil).json(t, &ts)
	require.Len(t, ts.Points, 1)
	assert.Equal(t, nsTime(base).Truncate(24*time.Hour), ts.Points[0].Time)
	assert.Equal(t, int64(3), ts.Points[0].Traces)

	for _, bad := range []string{
		"bucket=week&" + rangeQ,
		"start=" + strconv.FormatInt(base, 10) + "&end=" + strconv.FormatInt(base-1, 10),
		"bucket=hour&start=1&end=" + strconv.FormatInt(base, 10),
		"start=yesterday",
	} {
		assert.Equal(t, http.StatusBadRequest, e.do("GET", "/api/v1/analytics/timeseries?"+bad, tok, nil).Status, bad)
	}
}
