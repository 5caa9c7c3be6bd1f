// Package tracestore names the read half of AgentStack's storage: traces,
// spans, alerts, sessions, costs and summaries, always scoped by the
// caller's projects. The embedded SQLite store implements it, and so does
// the ClickHouse reader (internal/chstore); tracestoretest holds the
// contract both keep.
package tracestore

import (
	"context"

	"github.com/agentstack/agentstack/internal/store"
)

// Reader reads spans and what is rolled up from them. Every method takes
// the project (or projects) the caller may see; an empty set reads nothing.
type Reader interface {
	Ping(ctx context.Context) error
	ListTraces(ctx context.Context, f store.TraceFilter) ([]store.Trace, int, error)
	GetTrace(ctx context.Context, projectIDs []string, traceID string) (store.Trace, error)
	SpansOfTrace(ctx context.Context, projectID, traceID string) ([]store.Span, error)
	GetSpan(ctx context.Context, projectIDs []string, spanID string) (store.Span, error)
	AlertsOfTrace(ctx context.Context, projectID, traceID, spanID string) ([]store.Alert, error)
	LogsOfTrace(ctx context.Context, projectID, traceID, spanID string) ([]store.LogRecord, error)
	LogCountsOfTrace(ctx context.Context, projectID, traceID string) (map[string]int, error)
	ListAlerts(ctx context.Context, f store.AlertFilter) ([]store.Alert, int, error)
	ListSessions(ctx context.Context, f store.SessionFilter) ([]store.Session, int, error)
	SessionTraces(ctx context.Context, projectIDs []string, sessionID string) ([]store.Trace, error)
	CostSeries(ctx context.Context, projectIDs []string, startNs, endNs, bucketNs int64) ([]store.CostPoint, error)
	Summarize(ctx context.Context, projectIDs []string, startNs, endNs int64) (store.Summary, error)
	TimeSeries(ctx context.Context, projectIDs []string, startNs, endNs, bucketNs int64) ([]store.TimePoint, error)
}

var _ Reader = (*store.Store)(nil)
