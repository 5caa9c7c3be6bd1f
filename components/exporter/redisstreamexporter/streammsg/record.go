package streammsg

import (
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/agentstack/agentstack/internal/convert"
	"github.com/agentstack/agentstack/internal/store"
)

// Record is one span as the store would hold it, with its alerts, and the
// pdata it came from (for the OTLP format).
type Record struct {
	Span   store.Span
	Alerts []store.Alert

	Resource ptrace.ResourceSpans
	Scope    ptrace.ScopeSpans
	Source   ptrace.Span
}

// Records converts a batch the way the embedded store exporter does: the
// same columns pulled from the same attributes, the same alert ids. Spans
// whose resource has no project id are counted and left out.
func Records(td ptrace.Traces) ([]Record, int) {
	out := make([]Record, 0, td.SpanCount())
	unowned := convert.EachSpan(td, func(rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, sp ptrace.Span, row store.Span, alerts []store.Alert) {
		out = append(out, Record{Span: row, Alerts: alerts, Resource: rs, Scope: ss, Source: sp})
	})
	return out, unowned
}
