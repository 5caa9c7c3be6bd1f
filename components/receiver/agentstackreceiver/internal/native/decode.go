// Package native decodes AgentStack's native JSON span format (the format
// the original Python SDK sends) into pdata, keeping every valid span and
// listing each invalid one with its index and the reason.
package native

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/agentstack/agentstack/internal/semconv"
)

// ScopeName is the instrumentation scope given to natively sent spans.
const ScopeName = "agentstack.native"

var errMissing = errors.New("is required")

// Rejected names one span that was skipped and why.
type Rejected struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// Result is a decoded batch.
type Result struct {
	Traces   ptrace.Traces
	Accepted int
	Rejected []Rejected
}

// SyntaxError is a body that is not JSON of the expected shape; it says
// where the problem is.
type SyntaxError struct {
	Msg    string
	Offset int64
	Line   int
	Column int
}

func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s at line %d, column %d (byte %d)", e.Msg, e.Line, e.Column, e.Offset)
}

func syntaxErrorAt(body []byte, offset int64, msg string) *SyntaxError {
	if offset > int64(len(body)) {
		offset = int64(len(body))
	}
	line, col := 1, 1
	for _, c := range body[:offset] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &SyntaxError{Msg: msg, Offset: offset, Line: line, Column: col}
}

// wireSpan is the native span. Fields whose JSON type varies are kept raw
// and checked one by one so that the reason names the field.
type wireSpan struct {
	TraceID            json.RawMessage `json:"trace_id"`
	SpanID             json.RawMessage `json:"span_id"`
	ParentSpanID       json.RawMessage `json:"parent_span_id"`
	Name               json.RawMessage `json:"name"`
	Kind               json.RawMessage `json:"kind"`
	StartTime          json.RawMessage `json:"start_time"`
	EndTime            json.RawMessage `json:"end_time"`
	Status             json.RawMessage `json:"status"`
	StatusMessage      json.RawMessage `json:"status_message"`
	ServiceName        json.RawMessage `json:"service_name"`
	Attributes         json.RawMessage `json:"attributes"`
	Events             json.RawMessage `json:"events"`
	ResourceAttributes json.RawMessage `json:"resource_attributes"`
}

type wireEvent struct {
	Name         json.RawMessage `json:"name"`
	Timestamp    json.RawMessage `json:"timestamp"`
	TimeUnixNano json.RawMessage `json:"time_unix_nano"`
	Attributes   json.RawMessage `json:"attributes"`
}

// Decode parses a body that is {"spans":[…]}, a bare array of spans, or one
// span object.
func Decode(body []byte) (Result, error) {
	raws, err := splitSpans(body)
	if err != nil {
		return Result{}, err
	}
	res := Result{Traces: ptrace.NewTraces()}
	byService := make(map[string]ptrace.SpanSlice)
	for i, raw := range raws {
		if err := decodeSpan(raw, res.Traces, byService); err != nil {
			res.Rejected = append(res.Rejected, Rejected{Index: i, Reason: err.Error()})
			continue
		}
		res.Accepted++
	}
	return res, nil
}

func splitSpans(body []byte) ([]json.RawMessage, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, &SyntaxError{Msg: "empty body: send {\"spans\":[…]}, an array of spans, or one span"}
	}
	lead := int64(len(body) - len(trimmed))
	switch trimmed[0] {
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, jsonError(body, err)
		}
		return raws, nil
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, jsonError(body, err)
		}
		spans, ok := obj["spans"]
		if !ok {
			return []json.RawMessage{json.RawMessage(trimmed)}, nil
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(spans, &raws); err != nil {
			return nil, &SyntaxError{Msg: "\"spans\" must be an array of span objects"}
		}
		return raws, nil
	default:
		return nil, syntaxErrorAt(body, lead, fmt.Sprintf("body must be a JSON object or array, found %q", trimmed[0]))
	}
}

func jsonError(body []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, the bad one included.
		off := se.Offset
		if off > 0 {
			off--
		}
		return syntaxErrorAt(body, off, "invalid JSON: "+se.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return syntaxErrorAt(body, te.Offset, fmt.Sprintf("unexpected JSON %s", te.Value))
	}
	return &SyntaxError{Msg: "invalid JSON: " + err.Error()}
}

func unmarshalNumbers(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

func fieldErr(field string, err error) error {
	return fmt.Errorf("%s %w", field, err)
}

func decodeString(raw json.RawMessage, field string, required bool) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		if required {
			return "", fieldErr(field, errMissing)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s must be a string", field)
	}
	if required && s == "" {
		return "", fieldErr(field, errIDEmpty)
	}
	return s, nil
}

func decodeSpan(raw json.RawMessage, td ptrace.Traces, byService map[string]ptrace.SpanSlice) error {
	var w wireSpan
	if err := json.Unmarshal(raw, &w); err != nil {
		return errors.New("must be a JSON object")
	}
	tidStr, err := decodeString(w.TraceID, "trace_id", true)
	if err != nil {
		return err
	}
	tid, err := traceID(tidStr)
	if err != nil {
		return fieldErr("trace_id", err)
	}
	sidStr, err := decodeString(w.SpanID, "span_id", true)
	if err != nil {
		return err
	}
	sid, err := spanID(sidStr)
	if err != nil {
		return fieldErr("span_id", err)
	}
	var pid pcommon.SpanID
	pidStr, err := decodeString(w.ParentSpanID, "parent_span_id", false)
	if err != nil {
		return err
	}
	if pidStr != "" {
		if pid, err = spanID(pidStr); err != nil {
			return fieldErr("parent_span_id", err)
		}
	}
	name, err := decodeString(w.Name, "name", true)
	if err != nil {
		return err
	}
	start, err := decodeTime(w.StartTime)
	if err != nil {
		return fieldErr("start_time", err)
	}
	end, err := decodeTime(w.EndTime)
	if err != nil {
		return fieldErr("end_time", err)
	}
	if end < start {
		return fmt.Errorf("end_time (%d) is before start_time (%d)", end, start)
	}
	kind, err := decodeKind(w.Kind)
	if err != nil {
		return err
	}
	code, msg, err := decodeStatus(w.Status, w.StatusMessage)
	if err != nil {
		return err
	}
	service, err := decodeString(w.ServiceName, "service_name", false)
	if err != nil {
		return err
	}

	// Decode everything that can fail before touching td, so that a
	// rejected span leaves nothing behind.
	attrs := pcommon.NewMap()
	if err := decodeAttributes(w.Attributes, attrs); err != nil {
		return fieldErr("attributes", err)
	}
	events := ptrace.NewSpanEventSlice()
	if err := decodeEvents(w.Events, start, events); err != nil {
		return err
	}
	resAttrs := pcommon.NewMap()
	if err := decodeAttributes(w.ResourceAttributes, resAttrs); err != nil {
		return fieldErr("resource_attributes", err)
	}

	spans := spansFor(td, byService, service, resAttrs)
	sp := spans.AppendEmpty()
	sp.SetTraceID(tid)
	sp.SetSpanID(sid)
	sp.SetParentSpanID(pid)
	sp.SetName(name)
	sp.SetKind(kind)
	sp.SetStartTimestamp(start)
	sp.SetEndTimestamp(end)
	sp.Status().SetCode(code)
	sp.Status().SetMessage(msg)
	attrs.MoveTo(sp.Attributes())
	events.MoveAndAppendTo(sp.Events())
	return nil
}

// spansFor groups spans by service under one resource each. Resource
// attributes sent with a span only count for the first span of its service.
func spansFor(td ptrace.Traces, byService map[string]ptrace.SpanSlice, service string, resAttrs pcommon.Map) ptrace.SpanSlice {
	if s, ok := byService[service]; ok {
		return s
	}
	rs := td.ResourceSpans().AppendEmpty()
	resAttrs.MoveTo(rs.Resource().Attributes())
	if service != "" {
		rs.Resource().Attributes().PutStr(semconv.ServiceName, service)
	}
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName(ScopeName)
	byService[service] = ss.Spans()
	return ss.Spans()
}

func decodeKind(raw json.RawMessage) (ptrace.SpanKind, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return ptrace.SpanKindInternal, nil
	}
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		if n < 0 || n > 5 {
			return 0, fmt.Errorf("kind must be 0 to 5, got %d", n)
		}
		return ptrace.SpanKind(n), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, errors.New("kind must be a string such as \"client\" or a number")
	}
	switch strings.TrimPrefix(strings.ToLower(s), "span_kind_") {
	case "", "internal":
		return ptrace.SpanKindInternal, nil
	case "server":
		return ptrace.SpanKindServer, nil
	case "client":
		return ptrace.SpanKindClient, nil
	case "producer":
		return ptrace.SpanKindProducer, nil
	case "consumer":
		return ptrace.SpanKindConsumer, nil
	case "unspecified":
		return ptrace.SpanKindUnspecified, nil
	}
	return 0, fmt.Errorf("kind %q is not one of internal, server, client, producer, consumer", truncate(s, 40))
}

// decodeStatus accepts "OK" / "ERROR" / "UNSET" (any case), or an object
// {"code": …, "message": …}.
func decodeStatus(raw, rawMsg json.RawMessage) (ptrace.StatusCode, string, error) {
	msg, err := decodeString(rawMsg, "status_message", false)
	if err != nil {
		return 0, "", err
	}
	if len(raw) == 0 || string(raw) == "null" {
		return ptrace.StatusCodeUnset, msg, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var obj struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return 0, "", errors.New("status must be \"OK\", \"ERROR\" or \"UNSET\"")
		}
		s = obj.Code
		if msg == "" {
			msg = obj.Message
		}
	}
	switch strings.TrimPrefix(strings.ToUpper(s), "STATUS_CODE_") {
	case "OK":
		return ptrace.StatusCodeOk, msg, nil
	case "ERROR":
		return ptrace.StatusCodeError, msg, nil
	case "", "UNSET":
		return ptrace.StatusCodeUnset, msg, nil
	}
	return 0, "", fmt.Errorf("status %q is not one of OK, ERROR, UNSET", truncate(s, 40))
}

func decodeEvents(raw json.RawMessage, spanStart pcommon.Timestamp, dst ptrace.SpanEventSlice) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var events []wireEvent
	if err := json.Unmarshal(raw, &events); err != nil {
		return errors.New("events must be an array of {name, timestamp, attributes} objects")
	}
	dst.EnsureCapacity(len(events))
	for i, we := range events {
		field := fmt.Sprintf("events[%d]", i)
		name, err := decodeString(we.Name, field+".name", true)
		if err != nil {
			return err
		}
		ts := spanStart
		tsRaw := we.Timestamp
		if len(tsRaw) == 0 {
			tsRaw = we.TimeUnixNano
		}
		if len(tsRaw) > 0 && string(tsRaw) != "null" {
			if ts, err = decodeTime(tsRaw); err != nil {
				return fieldErr(field+".timestamp", err)
			}
		}
		ev := dst.AppendEmpty()
		ev.SetName(name)
		ev.SetTimestamp(ts)
		if err := decodeAttributes(we.Attributes, ev.Attributes()); err != nil {
			return fieldErr(field+".attributes", err)
		}
	}
	return nil
}
