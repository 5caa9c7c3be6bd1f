// Package streammsg is the versioned format of the messages the redisstream
// exporter adds to its two Redis streams (docs/redis-streams.md): one entry
// per span on the span stream, one per security alert on the alert stream.
// The redisstream_feed extension decodes them with the same package, and so
// can any Go consumer.
package streammsg

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/agentstack/agentstack/internal/store"
)

// Version is written in the field "v" of every message. A consumer must
// skip messages of a version it does not know.
const Version = "1"

// Format says how the span is carried in a span message.
type Format string

// Formats of the span stream.
const (
	// FormatJSON carries the span in the field "span" as a JSON object with
	// the store's column names.
	FormatJSON Format = "json"
	// FormatOTLPProto carries it in the field "otlp" as one OTLP
	// ExportTraceServiceRequest (protobuf) holding the span with its
	// resource and scope.
	FormatOTLPProto Format = "otlp_proto"
)

// Field names common to both streams.
const (
	FieldVersion   = "v"
	FieldProjectID = "project_id"
	FieldTraceID   = "trace_id"
	FieldSpanID    = "span_id"
)

// Field names of span messages.
const (
	FieldFormat = "format"
	FieldSpan   = "span"
	FieldOTLP   = "otlp"
)

// Field names of alert messages: the seed's alert shape (id, rule,
// severity, score, description, trace_id, span_id, project_id) and the rest
// of what the store keeps about an alert.
const (
	FieldID           = "id"
	FieldRule         = "rule"
	FieldSeverity     = "severity"
	FieldScore        = "score"
	FieldDescription  = "description"
	FieldType         = "type"
	FieldAttributeKey = "attribute_key"
	FieldSource       = "source"
	FieldPreview      = "preview"
	FieldAction       = "action"
	FieldTimeNs       = "time_ns"
)

// ErrVersion is returned for a message whose "v" is missing or unknown.
var ErrVersion = errors.New("unsupported message version")

// SpanDoc is the JSON form of a span: the store's column names.
type SpanDoc struct {
	ProjectID          string          `json:"project_id"`
	TraceID            string          `json:"trace_id"`
	SpanID             string          `json:"span_id"`
	ParentSpanID       string          `json:"parent_span_id"`
	Name               string          `json:"name"`
	Kind               int             `json:"kind"`
	StartTimeNs        int64           `json:"start_time_ns"`
	EndTimeNs          int64           `json:"end_time_ns"`
	StatusCode         string          `json:"status_code"`
	StatusMessage      string          `json:"status_message"`
	ServiceName        string          `json:"service_name"`
	ScopeName          string          `json:"scope_name"`
	Attributes         json.RawMessage `json:"attributes"`
	Events             json.RawMessage `json:"events"`
	Links              json.RawMessage `json:"links"`
	ResourceAttributes json.RawMessage `json:"resource_attributes"`
	SessionID          string          `json:"session_id"`
	Model              string          `json:"model"`
	InputTokens        int64           `json:"input_tokens"`
	OutputTokens       int64           `json:"output_tokens"`
	TotalTokens        int64           `json:"total_tokens"`
	CostUSD            float64         `json:"cost_usd"`
}

// DocFromSpan fills a SpanDoc from a store row.
func DocFromSpan(s *store.Span) SpanDoc {
	return SpanDoc{
		ProjectID: s.ProjectID, TraceID: s.TraceID, SpanID: s.SpanID, ParentSpanID: s.ParentSpanID,
		Name: s.Name, Kind: s.Kind, StartTimeNs: s.StartNs, EndTimeNs: s.EndNs,
		StatusCode: s.StatusCode, StatusMessage: s.StatusMessage, ServiceName: s.ServiceName, ScopeName: s.ScopeName,
		Attributes: rawOr(s.Attributes, "{}"), Events: rawOr(s.Events, "[]"), Links: rawOr(s.Links, "[]"),
		ResourceAttributes: rawOr(s.ResourceAttributes, "{}"),
		SessionID:          s.SessionID, Model: s.Model, InputTokens: s.InputTokens, OutputTokens: s.OutputTokens,
		TotalTokens: s.TotalTokens, CostUSD: s.CostUSD,
	}
}

// Span returns the store row the document describes.
func (d *SpanDoc) Span() *store.Span {
	return &store.Span{
		ProjectID: d.ProjectID, TraceID: d.TraceID, SpanID: d.SpanID, ParentSpanID: d.ParentSpanID,
		Name: d.Name, Kind: d.Kind, StartNs: d.StartTimeNs, EndNs: d.EndTimeNs,
		StatusCode: d.StatusCode, StatusMessage: d.StatusMessage, ServiceName: d.ServiceName, ScopeName: d.ScopeName,
		Attributes: bytesOr(d.Attributes, "{}"), Events: bytesOr(d.Events, "[]"), Links: bytesOr(d.Links, "[]"),
		ResourceAttributes: bytesOr(d.ResourceAttributes, "{}"),
		SessionID:          d.SessionID, Model: d.Model, InputTokens: d.InputTokens, OutputTokens: d.OutputTokens,
		TotalTokens: d.TotalTokens, CostUSD: d.CostUSD,
	}
}

// SpanValues returns the field/value pairs of the span message for r, in
// the documented order (XADD keeps it).
func SpanValues(r *Record, f Format) ([]any, error) {
	var field string
	var payload []byte
	var err error
	switch f {
	case FormatJSON:
		field = FieldSpan
		payload, err = json.Marshal(DocFromSpan(&r.Span))
	case FormatOTLPProto:
		field = FieldOTLP
		payload, err = otlpRequest(r).MarshalProto()
	default:
		return nil, fmt.Errorf("unknown format %q", f)
	}
	if err != nil {
		return nil, fmt.Errorf("encoding span %s/%s as %s: %w", r.Span.TraceID, r.Span.SpanID, f, err)
	}
	return []any{
		FieldVersion, Version,
		FieldFormat, string(f),
		FieldProjectID, r.Span.ProjectID,
		FieldTraceID, r.Span.TraceID,
		FieldSpanID, r.Span.SpanID,
		field, payload,
	}, nil
}

// otlpRequest wraps the one span with copies of its resource and scope.
func otlpRequest(r *Record) ptraceotlp.ExportRequest {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	r.Resource.Resource().CopyTo(rs.Resource())
	rs.SetSchemaUrl(r.Resource.SchemaUrl())
	ss := rs.ScopeSpans().AppendEmpty()
	r.Scope.Scope().CopyTo(ss.Scope())
	ss.SetSchemaUrl(r.Scope.SchemaUrl())
	r.Source.CopyTo(ss.Spans().AppendEmpty())
	return ptraceotlp.NewExportRequestFromTraces(td)
}

// AlertValues returns the field/value pairs of the alert message for a.
func AlertValues(a *store.Alert) []any {
	return []any{
		FieldVersion, Version,
		FieldID, a.ID,
		FieldRule, a.Rule,
		FieldSeverity, a.Severity,
		FieldScore, strconv.FormatInt(a.Score, 10),
		FieldDescription, a.Description,
		FieldTraceID, a.TraceID,
		FieldSpanID, a.SpanID,
		FieldProjectID, a.ProjectID,
		FieldType, a.Type,
		FieldAttributeKey, a.AttributeKey,
		FieldSource, a.Source,
		FieldPreview, a.Preview,
		FieldAction, a.Action,
		FieldTimeNs, strconv.FormatInt(a.TimeNs, 10),
	}
}

// DecodeSpans reads a span message (as go-redis returns its fields) into
// store rows: one for the JSON format, the request's spans for OTLP.
func DecodeSpans(values map[string]any) ([]*store.Span, error) {
	if err := checkVersion(values); err != nil {
		return nil, err
	}
	switch f := Format(str(values, FieldFormat)); f {
	case FormatJSON, "":
		raw, ok := values[FieldSpan]
		if !ok {
			return nil, fmt.Errorf("field %q missing", FieldSpan)
		}
		var d SpanDoc
		if err := json.Unmarshal([]byte(asString(raw)), &d); err != nil {
			return nil, fmt.Errorf("field %q: %w", FieldSpan, err)
		}
		return []*store.Span{d.Span()}, nil
	case FormatOTLPProto:
		raw, ok := values[FieldOTLP]
		if !ok {
			return nil, fmt.Errorf("field %q missing", FieldOTLP)
		}
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalProto([]byte(asString(raw))); err != nil {
			return nil, fmt.Errorf("field %q: %w", FieldOTLP, err)
		}
		recs, _ := Records(req.Traces())
		out := make([]*store.Span, len(recs))
		for i := range recs {
			out[i] = &recs[i].Span
		}
		return out, nil
	default:
		return nil, fmt.Errorf("field %q: unknown format %q", FieldFormat, f)
	}
}

// DecodeAlert reads an alert message.
func DecodeAlert(values map[string]any) (*store.Alert, error) {
	if err := checkVersion(values); err != nil {
		return nil, err
	}
	a := &store.Alert{
		ID: str(values, FieldID), ProjectID: str(values, FieldProjectID), TraceID: str(values, FieldTraceID),
		SpanID: str(values, FieldSpanID), Rule: str(values, FieldRule), Type: str(values, FieldType),
		Severity: str(values, FieldSeverity), Description: str(values, FieldDescription),
		AttributeKey: str(values, FieldAttributeKey), Source: str(values, FieldSource),
		Preview: str(values, FieldPreview), Action: str(values, FieldAction),
	}
	if a.ID == "" {
		return nil, fmt.Errorf("field %q missing", FieldID)
	}
	var err error
	if a.Score, err = intField(values, FieldScore); err != nil {
		return nil, err
	}
	if a.TimeNs, err = intField(values, FieldTimeNs); err != nil {
		return nil, err
	}
	return a, nil
}

func checkVersion(values map[string]any) error {
	if v := str(values, FieldVersion); v != Version {
		return fmt.Errorf("%w %q (this build reads %q)", ErrVersion, v, Version)
	}
	return nil
}

func intField(values map[string]any, key string) (int64, error) {
	s := str(values, key)
	if s == "" {
		return 0, nil
	}
	// The seed wrote scores as floats ("80.0").
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("field %q: not a number: %q", key, s)
	}
	return int64(f), nil
}

func str(values map[string]any, key string) string { return asString(values[key]) }

func asString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []byte:
		return string(t)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func rawOr(b []byte, def string) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage(def)
	}
	return json.RawMessage(b)
}

func bytesOr(b json.RawMessage, def string) []byte {
	if len(b) == 0 || string(b) == "null" {
		return []byte(def)
	}
	return []byte(b)
}
