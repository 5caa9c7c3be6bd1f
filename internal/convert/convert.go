// Package convert turns pdata spans into the store's rows: the queryable
// columns (project, ids, times, model, tokens, cost, session) pulled out,
// the rest kept as JSON.
package convert

import (
	"encoding/hex"
	"encoding/json"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/agentstack/agentstack/internal/alertid"
	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/store"
)

// Traces converts a batch. Spans whose resource has no project id are
// counted and left out.
func Traces(td ptrace.Traces) (store.Batch, int) {
	var b store.Batch
	b.Spans = make([]store.Span, 0, td.SpanCount())
	unowned := EachSpan(td, func(_ ptrace.ResourceSpans, _ ptrace.ScopeSpans, _ ptrace.Span, row store.Span, alerts []store.Alert) {
		b.Spans = append(b.Spans, row)
		b.Alerts = append(b.Alerts, alerts...)
	})
	return b, unowned
}

// EachSpan calls fn with every span that has a project, as the store holds
// it (row) with the alerts found in its events, beside the pdata it came
// from; it returns how many spans had no project. Every exporter that
// writes spans in the store's shape goes through here, so they agree on
// columns and alert ids.
func EachSpan(td ptrace.Traces, fn func(rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, sp ptrace.Span, row store.Span, alerts []store.Alert)) int {
	unowned := 0
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		res := rs.Resource().Attributes()
		project := strAttr(res, semconv.ProjectID)
		service := strAttr(res, semconv.ServiceName)
		resJSON := mapJSON(res)
		resSession := firstStr(res, semconv.GenAIConversationID, semconv.SessionID)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			if project == "" {
				unowned += spans.Len()
				continue
			}
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				row := spanRow(sp, project, service, ss.Scope().Name(), resJSON)
				if row.SessionID == "" {
					row.SessionID = resSession
				}
				fn(rs, ss, sp, row, appendAlerts(nil, sp, project, row.TraceID, row.SpanID))
			}
		}
	}
	return unowned
}

func spanRow(sp ptrace.Span, project, service, scope string, resJSON []byte) store.Span {
	attrs := sp.Attributes()
	row := store.Span{
		ProjectID:          project,
		TraceID:            hexTrace(sp.TraceID()),
		SpanID:             hexSpan(sp.SpanID()),
		Name:               sp.Name(),
		Kind:               int(sp.Kind()),
		StartNs:            int64(sp.StartTimestamp()),
		EndNs:              int64(sp.EndTimestamp()),
		StatusCode:         statusCode(sp.Status().Code()),
		StatusMessage:      sp.Status().Message(),
		ServiceName:        service,
		ScopeName:          scope,
		Attributes:         mapJSON(attrs),
		Events:             eventsJSON(sp.Events()),
		Links:              linksJSON(sp.Links()),
		ResourceAttributes: resJSON,
		SessionID:          firstStr(attrs, semconv.GenAIConversationID, semconv.SessionID),
		Model: firstStr(attrs, semconv.LLMModel, semconv.GenAIResponseModel, semconv.GenAIRequestModel,
			semconv.OIModelName, semconv.SeedLLMModel),
		InputTokens: firstInt(attrs, semconv.UsageInputTokens, semconv.GenAIUsageInputTokens, semconv.GenAIUsagePromptTokens,
			semconv.OITokenPrompt, semconv.SeedTokensIn),
		OutputTokens: firstInt(attrs, semconv.UsageOutputTokens, semconv.GenAIUsageOutputTokens, semconv.GenAIUsageCompletionTokens,
			semconv.OITokenCompletion, semconv.SeedTokensOut),
		CostUSD: firstFloat(attrs, semconv.CostTotalUSD),
	}
	if !sp.ParentSpanID().IsEmpty() {
		row.ParentSpanID = hexSpan(sp.ParentSpanID())
	}
	row.TotalTokens = firstInt(attrs, semconv.UsageTotalTokens)
	if row.TotalTokens == 0 {
		row.TotalTokens = row.InputTokens + row.OutputTokens
	}
	return row
}

func appendAlerts(dst []store.Alert, sp ptrace.Span, project, traceID, spanID string) []store.Alert {
	evs := sp.Events()
	for i := 0; i < evs.Len(); i++ {
		ev := evs.At(i)
		if ev.Name() != semconv.SecurityAlertEvent {
			continue
		}
		a := alertFields(ev.Attributes())
		a.ID = alertid.ID(project, traceID, spanID, i, a.Rule)
		a.ProjectID, a.TraceID, a.SpanID = project, traceID, spanID
		a.TimeNs = int64(ev.Timestamp())
		if a.TimeNs == 0 {
			a.TimeNs = int64(sp.EndTimestamp())
		}
		dst = append(dst, a)
	}
	return dst
}

// alertFields reads a finding as the security processor records it, the
// same on a span event and on a log record; the caller places it (ids,
// project, time).
func alertFields(a pcommon.Map) store.Alert {
	return store.Alert{
		Rule:         strAttr(a, semconv.AlertRule),
		Type:         strAttr(a, semconv.AlertType),
		Severity:     strAttr(a, semconv.AlertSeverity),
		Score:        firstInt(a, semconv.AlertScore),
		Description:  strAttr(a, semconv.AlertDescription),
		AttributeKey: strAttr(a, semconv.AlertAttributeKey),
		Source:       strAttr(a, semconv.AlertSource),
		Preview:      strAttr(a, semconv.AlertPreview),
		Action:       strAttr(a, semconv.AlertAction),
	}
}

func hexTrace(id pcommon.TraceID) string { return hex.EncodeToString(id[:]) }
func hexSpan(id pcommon.SpanID) string   { return hex.EncodeToString(id[:]) }

func statusCode(c ptrace.StatusCode) string {
	switch c {
	case ptrace.StatusCodeOk:
		return "OK"
	case ptrace.StatusCodeError:
		return "ERROR"
	}
	return "UNSET"
}

func strAttr(m pcommon.Map, key string) string {
	if v, ok := m.Get(key); ok {
		return v.AsString()
	}
	return ""
}

func firstStr(m pcommon.Map, keys ...string) string {
	for _, k := range keys {
		if s := strAttr(m, k); s != "" {
			return s
		}
	}
	return ""
}

// firstInt reads the first present key as an integer, whether it was sent
// as an int, a double or a string.
func firstInt(m pcommon.Map, keys ...string) int64 {
	for _, k := range keys {
		v, ok := m.Get(k)
		if !ok {
			continue
		}
		switch v.Type() {
		case pcommon.ValueTypeInt:
			return v.Int()
		case pcommon.ValueTypeDouble:
			return int64(v.Double())
		case pcommon.ValueTypeStr:
			if i, err := strconv.ParseInt(v.Str(), 10, 64); err == nil {
				return i
			}
			if f, err := strconv.ParseFloat(v.Str(), 64); err == nil {
				return int64(f)
			}
		}
	}
	return 0
}

func firstFloat(m pcommon.Map, keys ...string) float64 {
	for _, k := range keys {
		v, ok := m.Get(k)
		if !ok {
			continue
		}
		switch v.Type() {
		case pcommon.ValueTypeDouble:
			return v.Double()
		case pcommon.ValueTypeInt:
			return float64(v.Int())
		case pcommon.ValueTypeStr:
			if f, err := strconv.ParseFloat(v.Str(), 64); err == nil {
				return f
			}
		}
	}
	return 0
}

func mapJSON(m pcommon.Map) []byte {
	if m.Len() == 0 {
		return []byte("{}")
	}
	b, err := json.Marshal(m.AsRaw())
	if err != nil {
		return []byte("{}")
	}
	return b
}

type eventJSON struct {
	Name         string         `json:"name"`
	TimeUnixNano int64          `json:"time_unix_nano"`
	Attributes   map[string]any `json:"attributes"`
}

func eventsJSON(evs ptrace.SpanEventSlice) []byte {
	if evs.Len() == 0 {
		return []byte("[]")
	}
	out := make([]eventJSON, evs.Len())
	for i := 0; i < evs.Len(); i++ {
		ev := evs.At(i)
		out[i] = eventJSON{Name: ev.Name(), TimeUnixNano: int64(ev.Timestamp()), Attributes: ev.Attributes().AsRaw()}
	}
	b, _ := json.Marshal(out)
	return b
}

type linkJSON struct {
	TraceID    string         `json:"trace_id"`
	SpanID     string         `json:"span_id"`
	Attributes map[string]any `json:"attributes"`
}

func linksJSON(ls ptrace.SpanLinkSlice) []byte {
	if ls.Len() == 0 {
		return []byte("[]")
	}
	out := make([]linkJSON, ls.Len())
	for i := 0; i < ls.Len(); i++ {
		l := ls.At(i)
		out[i] = linkJSON{TraceID: hexTrace(l.TraceID()), SpanID: hexSpan(l.SpanID()), Attributes: l.Attributes().AsRaw()}
	}
	b, _ := json.Marshal(out)
	return b
}
