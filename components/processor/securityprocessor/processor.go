package securityprocessor // import "github.com/agentstack/agentstack/components/processor/securityprocessor"

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/anomaly"
	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/detect"
	"github.com/agentstack/agentstack/internal/semconv"
)

// Anomaly rule ids.
const (
	ruleAnomalyDuration   = "anomaly.duration"
	ruleAnomalyTokens     = "anomaly.tokens"
	ruleAnomalyCost       = "anomaly.cost"
	ruleAnomalyErrorBurst = "anomaly.error_burst"
)

var anomalyRules = []string{ruleAnomalyDuration, ruleAnomalyTokens, ruleAnomalyCost, ruleAnomalyErrorBurst}

// spanNameKey is the attribute_key reported for findings in the span name,
// and durationKey / statusKey for anomalies that are not read from an attribute.
const (
	spanNameKey = "span.name"
	durationKey = "span.duration"
	statusKey   = "span.status"
)

// maxAlertsPerSpan bounds the events one span can gain.
const maxAlertsPerSpan = 32

type security struct {
	cfg       *Config
	logger    *zap.Logger
	engine    *detect.Engine
	anomalies *anomaly.Detector
	actions   map[string]Action
	now       func() time.Time
	// clean holds short values known to have no findings (nil: none kept).
	clean *cleanCache
}

func newSecurity(cfg *Config, logger *zap.Logger) (*security, error) {
	dc := detect.Config{
		Injection:          cfg.Injection.Enabled,
		PII:                cfg.PII.Enabled,
		Secrets:            cfg.Secrets.Enabled,
		InjectionThreshold: cfg.Injection.Threshold,
		Disabled:           cfg.DisabledRules,
		AllowValues:        cfg.AllowList.Values,
		AllowPatterns:      cfg.AllowList.Patterns,
	}
	actions := map[string]Action{}
	for _, r := range cfg.CustomRules {
		sev, ok := detect.ParseSeverity(r.Severity)
		if !ok {
			sev = detect.SeverityMedium
		}
		dc.Custom = append(dc.Custom, detect.CustomRule{Name: r.Name, Pattern: r.Pattern, Severity: sev})
		if r.Action != "" {
			actions[detect.CustomRuleID(r.Name)] = r.Action
		}
	}
	for rule, a := range cfg.RuleActions {
		actions[rule] = a
	}
	eng, err := detect.New(dc)
	if err != nil {
		return nil, fmt.Errorf("compiling rules: %w", err)
	}
	s := &security{cfg: cfg, logger: logger, engine: eng, actions: actions, now: time.Now, clean: &cleanCache{}}
	if cfg.Anomaly.Enabled {
		ac := anomaly.Config{
			ZScore: cfg.Anomaly.ZScore, Warmup: cfg.Anomaly.Warmup, MaxSeries: cfg.Anomaly.MaxSeries,
			MinRelStd: cfg.Anomaly.MinRelativeStddev, MaxProjects: cfg.Anomaly.MaxSeries,
		}
		if eb := cfg.Anomaly.ErrorBurst; eb.Enabled {
			ac.ErrorWindow, ac.ErrorThreshold, ac.ErrorMinCount = eb.Window, eb.Threshold, eb.MinCount
		}
		s.anomalies = anomaly.New(ac)
	}
	return s, nil
}

// action returns what to do for a rule: a per-rule override, else the
// family's action, else alert.
func (s *security) action(rule string) Action {
	if a, ok := s.actions[rule]; ok && a != "" {
		return a
	}
	var a Action
	switch detect.RuleType(rule) {
	case detect.TypeInjection:
		a = s.cfg.Injection.Action
	case detect.TypePII:
		a = s.cfg.PII.Action
	case detect.TypeSecret:
		a = s.cfg.Secrets.Action
	case detect.TypeAnomaly:
		a = s.cfg.Anomaly.Action
	}
	if a == "" {
		return ActionAlert
	}
	return a
}

// alert is a finding placed on a span.
type alert struct {
	f      detect.Finding
	key    string
	source detect.Source
	action Action
	count  int
}

// spanState gathers the alerts of one span.
type spanState struct {
	alerts []alert
	drop   bool
	buf    []detect.Finding
}

func (st *spanState) add(f detect.Finding, key string, src detect.Source, act Action) {
	for i := range st.alerts {
		a := &st.alerts[i]
		if a.f.Rule == f.Rule && a.key == key && a.source == src {
			a.count++
			if f.Score > a.f.Score {
				a.f.Score = f.Score
			}
			return
		}
	}
	st.alerts = append(st.alerts, alert{f: f, key: key, source: src, action: act, count: 1})
	if act == ActionDrop {
		st.drop = true
	}
}

func (s *security) processTraces(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	var st spanState
	dropped := false
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		project := ""
		if v, ok := rs.Resource().Attributes().Get(semconv.ProjectID); ok {
			project = v.AsString()
		}
		sss := rs.ScopeSpans()
		droppedHere := false
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			before := spans.Len()
			spans.RemoveIf(func(span ptrace.Span) bool {
				st.alerts, st.drop = st.alerts[:0], false
				s.processSpan(project, span, &st)
				if st.drop {
					s.logger.Debug("dropping span with a finding", zap.String("span", span.Name()), zap.String("rule", firstDropRule(st.alerts)))
				}
				return st.drop
			})
			if spans.Len() == 0 && before > 0 {
				droppedHere = true
			}
		}
		// Only entries this processor emptied are removed; empty ones that
		// arrived empty pass through untouched.
		if droppedHere {
			sss.RemoveIf(func(ss ptrace.ScopeSpans) bool { return ss.Spans().Len() == 0 })
			dropped = dropped || sss.Len() == 0
		}
	}
	if dropped {
		rss.RemoveIf(func(rs ptrace.ResourceSpans) bool { return rs.ScopeSpans().Len() == 0 })
	}
	return td, nil
}

func firstDropRule(as []alert) string {
	for _, a := range as {
		if a.action == ActionDrop {
			return a.f.Rule
		}
	}
	return ""
}

func (s *security) processSpan(project string, span ptrace.Span, st *spanState) {
	attrs := span.Attributes()
	if name := span.Name(); name != "" {
		if nv := s.scanText(name, spanNameKey, detect.SourceSpanName, st); nv != name {
			span.SetName(nv)
		}
	}
	attrs.Range(func(k string, v pcommon.Value) bool {
		if strings.HasPrefix(k, "agentstack.") {
			return true
		}
		switch v.Type() {
		case pcommon.ValueTypeStr, pcommon.ValueTypeSlice, pcommon.ValueTypeMap:
			// Only these hold text; the others are not scanned, so their
			// source is not worked out.
			s.scanValue(k, v, attributeSource(k, attrs), st, k == semconv.GenAIInputMessages || k == semconv.GenAIOutputMessages)
		}
		return !st.drop
	})
	if st.drop {
		return
	}
	evs := span.Events()
	for i := 0; i < evs.Len() && !st.drop; i++ {
		ev := evs.At(i)
		if ev.Name() == semconv.SecurityAlertEvent {
			continue
		}
		src := eventSource(ev.Name())
		ev.Attributes().Range(func(k string, v pcommon.Value) bool {
			s.scanValue(ev.Name()+":"+k, v, src, st, false)
			return !st.drop
		})
	}
	if st.drop {
		return
	}
	if s.anomalies != nil {
		s.observe(project, span, st)
	}
	if st.drop || len(st.alerts) == 0 {
		return
	}
	s.writeAlerts(span, st.alerts)
}

func (s *security) scanValue(key string, v pcommon.Value, src detect.Source, st *spanState, messages bool) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		str := v.Str()
		if messages && len(str) > 0 && (str[0] == '[' || str[0] == '{') {
			def := detect.SourceUserInput
			if key == semconv.GenAIOutputMessages {
				def = detect.SourceModelOutput
			}
			out, changed, ok := scanMessages(str, def, func(text string, src detect.Source) string {
				return s.scanText(text, key, src, st)
			})
			if ok {
				if changed {
					v.SetStr(out)
				}
				return
			}
		}
		if nv := s.scanText(str, key, src, st); nv != str {
			v.SetStr(nv)
		}
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		for i := 0; i < sl.Len(); i++ {
			s.scanValue(key, sl.At(i), src, st, false)
		}
	case pcommon.ValueTypeMap:
		v.Map().Range(func(k string, mv pcommon.Value) bool {
			s.scanValue(key+"."+k, mv, src, st, false)
			return true
		})
	}
}

// scanText scans one string and returns it with the matches of redacting
// rules masked.
func (s *security) scanText(text, key string, src detect.Source, st *spanState) string {
	scanned := text
	if max := s.cfg.MaxValueBytes; max > 0 && len(scanned) > max {
		scanned = scanned[:max]
	}
	if s.clean != nil && len(scanned) <= cleanMaxLen {
		slot := s.clean.slot(scanned, src)
		if s.clean.clean(slot, scanned, src) {
			return text
		}
		st.buf = s.engine.Scan(scanned, src, st.buf[:0])
		if len(st.buf) == 0 {
			s.clean.remember(slot, scanned, src)
			return text
		}
	} else {
		st.buf = s.engine.Scan(scanned, src, st.buf[:0])
		if len(st.buf) == 0 {
			return text
		}
	}
	network := src == detect.SourceAttribute && networkKey(key)
	var redact []detect.Finding
	whole := ""
	for _, f := range st.buf {
		if network && (f.Rule == detect.RuleIPv4 || f.Rule == detect.RuleIPv6) {
			continue
		}
		act := s.action(f.Rule)
		st.add(f, key, src, act)
		if act == ActionRedact {
			if f.Type == detect.TypeInjection {
				whole = f.Rule
			} else {
				redact = append(redact, f)
			}
		}
	}
	if whole != "" {
		return "[REDACTED:" + whole + "]"
	}
	if len(redact) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, f := range redact {
		if f.Start < last {
			continue
		}
		b.WriteString(text[last:f.Start])
		b.WriteString("[REDACTED:" + f.Rule + "]")
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

func (s *security) observe(project string, span ptrace.Span, st *spanState) {
	start, end := span.StartTimestamp(), span.EndTimestamp()
	o := anomaly.NewObservation(project, span.Name(), s.now())
	if end > start && start > 0 {
		o.Values[anomaly.Duration] = float64(end - start)
	}
	attrs := span.Attributes()
	tokKey := ""
	if v, ok := number(attrs, semconv.UsageTotalTokens); ok {
		o.Values[anomaly.Tokens], tokKey = v, semconv.UsageTotalTokens
	} else if in, ok1 := number(attrs, semconv.GenAIUsageInputTokens); ok1 {
		out, _ := number(attrs, semconv.GenAIUsageOutputTokens)
		o.Values[anomaly.Tokens], tokKey = in+out, semconv.GenAIUsageInputTokens
	} else if v, ok := number(attrs, semconv.LLMUsageTotalTokens); ok {
		o.Values[anomaly.Tokens], tokKey = v, semconv.LLMUsageTotalTokens
	}
	if v, ok := number(attrs, semconv.CostTotalUSD); ok {
		o.Values[anomaly.Cost] = v
	}
	o.Error = span.Status().Code() == ptrace.StatusCodeError
	outs := s.anomalies.Observe(o, nil)
	for _, out := range outs {
		var f detect.Finding
		key := durationKey
		switch {
		case out.ErrorBurst:
			f = detect.Finding{
				Rule: ruleAnomalyErrorBurst, Severity: detect.SeverityHigh, Score: int(math.Round(100 * out.Value)),
				Description: fmt.Sprintf("error burst: %d of the project's last %d spans failed within %s", out.Errors, out.Total, s.cfg.Anomaly.ErrorBurst.Window),
			}
			key = statusKey
		default:
			rule := map[anomaly.Metric]string{anomaly.Duration: ruleAnomalyDuration, anomaly.Tokens: ruleAnomalyTokens, anomaly.Cost: ruleAnomalyCost}[out.Metric]
			switch out.Metric {
			case anomaly.Tokens:
				key = tokKey
			case anomaly.Cost:
				key = semconv.CostTotalUSD
			}
			sev := detect.SeverityMedium
			if out.Z >= 2*s.cfg.Anomaly.ZScore {
				sev = detect.SeverityHigh
			}
			f = detect.Finding{
				Rule: rule, Severity: sev, Score: int(math.Min(100, math.Round(50+50*(out.Z-s.cfg.Anomaly.ZScore)/s.cfg.Anomaly.ZScore))),
				Description: fmt.Sprintf("%s %.4g is %.1f standard deviations above the mean %.4g of the last %d spans named %q",
					out.Metric, out.Value, out.Z, out.Mean, out.Count, span.Name()),
			}
		}
		f.Type = detect.TypeAnomaly
		f.Preview = fmt.Sprintf("%.4g", out.Value)
		st.add(f, key, detect.SourceAttribute, s.action(f.Rule))
	}
}

// number reads an int, double or numeric string attribute.
func number(attrs pcommon.Map, key string) (float64, bool) {
	v, ok := attrs.Get(key)
	if !ok {
		return 0, false
	}
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return float64(v.Int()), true
	case pcommon.ValueTypeDouble:
		return v.Double(), true
	}
	return 0, false
}

func (s *security) writeAlerts(span ptrace.Span, alerts []alert) {
	ts := span.EndTimestamp()
	if ts == 0 {
		ts = pcommon.NewTimestampFromTime(s.now())
	}
	maxSev := detect.SeverityNone
	if v, ok := span.Attributes().Get(semconv.SecurityMaxSeverity); ok {
		maxSev, _ = detect.ParseSeverity(v.Str())
	}
	count := int64(0)
	if v, ok := span.Attributes().Get(semconv.SecurityAlertCount); ok {
		count = v.Int()
	}
	evs := span.Events()
	for i, a := range alerts {
		if i >= maxAlertsPerSpan {
			s.logger.Debug("alert cap reached on span", zap.String("span", span.Name()), zap.Int("alerts", len(alerts)))
			break
		}
		ev := evs.AppendEmpty()
		ev.SetName(semconv.SecurityAlertEvent)
		ev.SetTimestamp(ts)
		putAlert(ev.Attributes(), a)
		if a.f.Severity > maxSev {
			maxSev = a.f.Severity
		}
		count++
	}
	span.Attributes().PutStr(semconv.SecurityMaxSeverity, maxSev.String())
	span.Attributes().PutInt(semconv.SecurityAlertCount, count)
}

// putAlert writes one finding with the agentstack.alert.* names, on a span
// event or, for a log record, in an element of its alerts attribute.
func putAlert(m pcommon.Map, a alert) {
	m.EnsureCapacity(9)
	m.PutStr(semconv.AlertRule, a.f.Rule)
	m.PutStr(semconv.AlertType, string(a.f.Type))
	m.PutStr(semconv.AlertSeverity, a.f.Severity.String())
	m.PutInt(semconv.AlertScore, int64(a.f.Score))
	desc := a.f.Description
	if a.count > 1 {
		desc = fmt.Sprintf("%s (%d matches)", desc, a.count)
	}
	m.PutStr(semconv.AlertDescription, desc)
	m.PutStr(semconv.AlertAttributeKey, a.key)
	m.PutStr(semconv.AlertSource, string(a.source))
	m.PutStr(semconv.AlertPreview, a.f.Preview)
	m.PutStr(semconv.AlertAction, string(a.action))
}
