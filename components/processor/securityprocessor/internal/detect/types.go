// Package detect finds prompt injection, PII and secrets in plain strings.
// It knows nothing about spans: callers pass a string and where it came from
// (a Source), so that the traces processor and a future logs processor share
// one engine.
package detect

// Source says where a scanned string came from. The values are the ones
// written to agentstack.alert.source.
type Source string

// Sources.
const (
	SourceUserInput   Source = "user_input"
	SourceModelOutput Source = "model_output"
	SourceToolOutput  Source = "tool_output"
	SourceRetrieval   Source = "retrieval"
	SourceSpanName    Source = "span_name"
	SourceAttribute   Source = "attribute"
	SourceEvent       Source = "event"
)

// Type is the family of a finding, written to agentstack.alert.type.
type Type string

// Finding types.
const (
	TypeInjection Type = "injection"
	TypePII       Type = "pii"
	TypeSecret    Type = "secret"
	TypeAnomaly   Type = "anomaly"
	TypeCustom    Type = "custom"
)

// Severity orders findings; its String form is written to
// agentstack.alert.severity.
type Severity int

// Severities, in increasing order.
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

func (s Severity) String() string {
	switch s {
	case SeverityLow:
		return "low"
	case SeverityMedium:
		return "medium"
	case SeverityHigh:
		return "high"
	case SeverityCritical:
		return "critical"
	}
	return "none"
}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, bool) {
	switch s {
	case "low":
		return SeverityLow, true
	case "medium":
		return SeverityMedium, true
	case "high":
		return SeverityHigh, true
	case "critical":
		return SeverityCritical, true
	}
	return SeverityNone, false
}

// Finding is one detection in one string.
type Finding struct {
	Rule        string
	Type        Type
	Severity    Severity
	Score       int
	Description string
	// Start and End are the byte range of the match in the scanned string.
	// An injection finding covers the whole string.
	Start, End int
	// Preview is a masked rendering of the match that is safe to store.
	Preview string
}
