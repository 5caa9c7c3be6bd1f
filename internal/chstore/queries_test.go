package chstore

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/store"
)

const hostile = "x' OR 1=1 --"

var projectCond = regexp.MustCompile(`project_id IN \((\?, )*\?\)|project_id = \?|ResourceAttributes\[\?\] = \?`)
var tableRead = regexp.MustCompile(`FROM agentstack_\w+|FROM otel_\w+`)

// every builder, fed hostile values everywhere a caller's value can go.
func allQueries() map[string]query {
	yes := true
	ps := []string{hostile, "p2"}
	qs := map[string]query{}
	for name, f := range map[string]store.TraceFilter{
		"plain": {ProjectIDs: ps},
		"all-filters": {ProjectIDs: ps, Status: "error", Service: hostile, Name: hostile, Model: hostile, StartNs: 1, EndNs: 2,
			MinDurationNs: 3, MinCostUSD: 0.5, HasAlerts: &yes, Query: hostile, Sort: hostile, Limit: 5, Offset: 10},
	} {
		c, p := listTraces(f)
		qs["listTraces.count/"+name] = c
		qs["listTraces.page/"+name] = p
	}
	qs["getTrace"] = getTrace(ps, hostile)
	qs["sessionTraces"] = sessionTraces(ps, hostile)
	qs["spansOfTrace"] = spansOfTrace(hostile, hostile)
	qs["getSpan"] = getSpan(ps, hostile)
	qs["alertsOfTrace"] = alertsOfTrace(hostile, hostile, hostile)
	ac, ap := listAlerts(store.AlertFilter{ProjectIDs: ps, Severity: hostile, Rule: hostile, StartNs: 1, EndNs: 2, Limit: 3})
	qs["listAlerts.count"], qs["listAlerts.page"] = ac, ap
	sc, sp := listSessions(store.SessionFilter{ProjectIDs: ps, StartNs: 1, EndNs: 2})
	qs["listSessions.count"], qs["listSessions.page"] = sc, sp
	qs["costSeries"] = costSeries(ps, 1, 2, 3600e9)
	st, sa := summarize(ps, 1, 2)
	qs["summarize.traces"], qs["summarize.alerts"] = st, sa
	qs["timeSeries"] = timeSeries(ps, 1, 2, 3600e9)
	qs["logsOfTrace"] = logsOfTrace(semconv.ProjectID, hostile, hostile, hostile)
	qs["logCountsOfTrace"] = logCountsOfTrace(semconv.ProjectID, hostile, hostile)
	return qs
}

func TestQueriesAreParameterized(t *testing.T) {
	for name, q := range allQueries() {
		t.Run(name, func(t *testing.T) {
			assert.NotContains(t, q.sql, "1=1", "no caller's value is spliced into the text")
			assert.NotContains(t, q.sql, "'x", "no caller's value is spliced into the text")
			assert.Equal(t, strings.Count(q.sql, "?"), len(q.args), "one argument per placeholder, in order")
			found := false
			for _, a := range q.args {
				if a == hostile {
					found = true
				}
			}
			assert.True(t, found, "the hostile value travels as an argument")
		})
	}
}

func TestQueriesAreProjectScoped(t *testing.T) {
	for name, q := range allQueries() {
		t.Run(name, func(t *testing.T) {
			reads := len(tableRead.FindAllString(q.sql, -1))
			conds := len(projectCond.FindAllString(q.sql, -1))
			assert.Positive(t, reads)
			assert.Equal(t, reads, conds, "every table read carries the project condition:\n%s", q.sql)
		})
	}
}

func TestProjectArgumentsComeFirstInEachRead(t *testing.T) {
	q := getTrace([]string{"a", "b"}, "t1")
	assert.Equal(t, []any{"a", "b", "t1"}, q.args)
	c, p := listTraces(store.TraceFilter{ProjectIDs: []string{"a"}, Service: "svc", Query: "tool", Limit: 7, Offset: 2})
	assert.Equal(t, []any{"a", "svc", "a", "tool"}, c.args)
	assert.Equal(t, []any{"a", "svc", "a", "tool", int64(7), int64(2)}, p.args)
	cs := costSeries([]string{"a"}, 90*60e9, 5*3600e9, 3600e9)
	assert.Equal(t, []any{int64(3600e9), "a", int64(3600e9), int64(5 * 3600e9)}, cs.args, "the start's hour counts whole")
	ts := timeSeries([]string{"a"}, 10, 20, 3600e9)
	assert.Equal(t, []any{int64(3600e9), "a", int64(10), int64(20)}, ts.args)
}

func TestSortKeysAreWhitelisted(t *testing.T) {
	_, p := listTraces(store.TraceFilter{ProjectIDs: []string{"a"}, Sort: "t_cost; DROP TABLE x"})
	assert.Contains(t, p.sql, "ORDER BY t_start DESC, trace_id ASC")
	assert.NotContains(t, p.sql, "DROP")
	_, p = listTraces(store.TraceFilter{ProjectIDs: []string{"a"}, Sort: store.SortCost, Asc: true})
	assert.Contains(t, p.sql, "ORDER BY t_cost ASC, trace_id DESC")
}
