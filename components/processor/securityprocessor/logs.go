package securityprocessor

import (
	"context"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/detect"
	"github.com/agentstack/agentstack/internal/semconv"
)

// bodyKey names a log record's body in alerts.
const bodyKey = "body"

// processLogs scans log records with the same rules and actions as spans.
// GenAI instrumentations put message content in log events (bodies such
// as {content} or {index, finish_reason, message{role, content,
// tool_calls}}), which would otherwise pass unseen. A record has no events
// of its own, so its findings go in its agentstack.security.alerts
// attribute, which the store turns into alerts linked to the record's
// trace and span.
func (s *security) processLogs(_ context.Context, ld plog.Logs) (plog.Logs, error) {
	var st spanState
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sls.At(j).LogRecords().RemoveIf(func(rec plog.LogRecord) bool {
				st.alerts, st.drop = st.alerts[:0], false
				s.processRecord(rec, &st)
				if st.drop {
					s.logger.Debug("dropping log record with a finding", zap.String("event", recordEvent(rec)), zap.String("rule", firstDropRule(st.alerts)))
				}
				return st.drop
			})
		}
		sls.RemoveIf(func(sl plog.ScopeLogs) bool { return sl.LogRecords().Len() == 0 })
	}
	rls.RemoveIf(func(rl plog.ResourceLogs) bool { return rl.ScopeLogs().Len() == 0 })
	return ld, nil
}

func recordEvent(rec plog.LogRecord) string {
	if n := rec.EventName(); n != "" {
		return n
	}
	if v, ok := rec.Attributes().Get(semconv.EventName); ok {
		return v.AsString()
	}
	return ""
}

func (s *security) processRecord(rec plog.LogRecord, st *spanState) {
	src := eventSource(recordEvent(rec))
	s.scanContent(bodyKey, rec.Body(), src, st)
	attrs := rec.Attributes()
	attrs.Range(func(k string, v pcommon.Value) bool {
		if strings.HasPrefix(k, "agentstack.") || k == semconv.EventName {
			return true
		}
		s.scanContent(k, v, attributeSource(k, attrs), st)
		return !st.drop
	})
	if st.drop || len(st.alerts) == 0 {
		return
	}
	s.writeRecordAlerts(rec, st.alerts)
}

// scanContent scans a value that may hold chat messages as structures (the
// inference details event carries gen_ai.input.messages as a list of
// {role, parts}): each message is scanned as its role says, as when the
// messages arrive as JSON text on a span.
func (s *security) scanContent(key string, v pcommon.Value, src detect.Source, st *spanState) {
	switch {
	case (key == semconv.GenAIInputMessages || key == semconv.GenAIOutputMessages) && v.Type() == pcommon.ValueTypeSlice:
		def := detect.SourceUserInput
		if key == semconv.GenAIOutputMessages {
			def = detect.SourceModelOutput
		}
		msgs := v.Slice()
		for i := 0; i < msgs.Len() && !st.drop; i++ {
			msrc := def
			if msgs.At(i).Type() == pcommon.ValueTypeMap {
				if role, ok := msgs.At(i).Map().Get("role"); ok {
					msrc = roleSource(role.AsString(), def)
				}
			}
			s.scanValue(key, msgs.At(i), msrc, st, false)
		}
	case v.Type() == pcommon.ValueTypeStr:
		// Content given as JSON text (some SDKs serialise the body).
		s.scanValue(key, v, src, st, key == bodyKey || key == semconv.GenAIInputMessages || key == semconv.GenAIOutputMessages)
	default:
		s.scanValue(key, v, src, st, false)
	}
}

func (s *security) writeRecordAlerts(rec plog.LogRecord, alerts []alert) {
	attrs := rec.Attributes()
	list, ok := attrs.Get(semconv.SecurityAlertsOnLog)
	var sl pcommon.Slice
	if ok && list.Type() == pcommon.ValueTypeSlice {
		sl = list.Slice()
	} else {
		sl = attrs.PutEmptySlice(semconv.SecurityAlertsOnLog)
	}
	maxSev := detect.SeverityNone
	if v, ok := attrs.Get(semconv.SecurityMaxSeverity); ok {
		maxSev, _ = detect.ParseSeverity(v.Str())
	}
	for i, a := range alerts {
		if i >= maxAlertsPerSpan {
			break
		}
		putAlert(sl.AppendEmpty().SetEmptyMap(), a)
		if a.f.Severity > maxSev {
			maxSev = a.f.Severity
		}
	}
	attrs.PutStr(semconv.SecurityMaxSeverity, maxSev.String())
	attrs.PutInt(semconv.SecurityAlertCount, int64(sl.Len()))
}
