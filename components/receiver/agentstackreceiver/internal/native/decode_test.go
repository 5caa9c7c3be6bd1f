package native

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const oneSpan = `{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"agent.run",
"start_time":1700000000000000000,"end_time":1700000001000000000,"status":"OK","service_name":"svc",
"attributes":{"s":"x","i":7,"f":1.5,"b":false,"big":12345678901234567890,"l":[1,"a"],"m":{"k":1},"nil":null},
"events":[{"name":"e","timestamp":1700000000500000000,"attributes":{"a":"b"}},{"name":"no-ts"}]}`

func firstSpan(t *testing.T, td ptrace.Traces) ptrace.Span {
	t.Helper()
	require.Equal(t, 1, td.SpanCount())
	return td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
}

func TestDecodeOneSpan(t *testing.T) {
	res, err := Decode([]byte(oneSpan))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Accepted)
	assert.Empty(t, res.Rejected)
	sp := firstSpan(t, res.Traces)
	assert.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", sp.TraceID().String())
	assert.Equal(t, "00f067aa0ba902b7", sp.SpanID().String())
	assert.True(t, sp.ParentSpanID().IsEmpty())
	assert.Equal(t, pcommon.Timestamp(1700000000000000000), sp.StartTimestamp())
	assert.Equal(t, ptrace.StatusCodeOk, sp.Status().Code())
	a := sp.Attributes()
	v, _ := a.Get("i")
	assert.Equal(t, pcommon.ValueTypeInt, v.Type())
	assert.EqualValues(t, 7, v.Int())
	v, _ = a.Get("f")
	assert.Equal(t, pcommon.ValueTypeDouble, v.Type())
	v, _ = a.Get("big")
	assert.Equal(t, pcommon.ValueTypeDouble, v.Type(), "an integer past int64 becomes a double, not an error")
	v, _ = a.Get("l")
	assert.Equal(t, pcommon.ValueTypeSlice, v.Type())
	v, _ = a.Get("m")
	assert.Equal(t, pcommon.ValueTypeMap, v.Type())
	_, hasNil := a.Get("nil")
	assert.False(t, hasNil)
	svc, _ := res.Traces.ResourceSpans().At(0).Resource().Attributes().Get("service.name")
	assert.Equal(t, "svc", svc.Str())
	require.Equal(t, 2, sp.Events().Len())
	assert.Equal(t, sp.StartTimestamp(), sp.Events().At(1).Timestamp(), "an event without a time takes the span's start")
}

func TestDecodeShapes(t *testing.T) {
	for name, body := range map[string]string{
		"object": `{"spans":[` + oneSpan + `,` + oneSpan + `]}`,
		"array":  `[` + oneSpan + `,` + oneSpan + `]`,
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Decode([]byte(body))
			require.NoError(t, err)
			assert.Equal(t, 2, res.Accepted)
			assert.Equal(t, 1, res.Traces.ResourceSpans().Len(), "spans of one service share a resource")
		})
	}
}

func TestDecodeTimesAndIDs(t *testing.T) {
	cases := map[string]struct {
		patch string
		check func(t *testing.T, sp ptrace.Span)
	}{
		"rfc3339 times": {`"start_time":"2024-01-02T03:04:05.5Z","end_time":"2024-01-02T03:04:06Z"`, func(t *testing.T, sp ptrace.Span) {
			assert.Equal(t, int64(1704164645500000000), int64(sp.StartTimestamp()))
		}},
		"string nanos": {`"start_time":"1700000000000000000","end_time":1.7e18`, func(t *testing.T, sp ptrace.Span) {
			assert.Equal(t, int64(1700000000000000000), int64(sp.EndTimestamp()))
		}},
		"uuid ids": {`"trace_id":"6F1C2A8E-6A5F-4A8B-9E57-3F2D1C0B9A87","span_id":"0d8f5e1a-2b3c-4d5e-8f90-a1b2c3d4e5f6","parent_span_id":"1e9a6f2b-3c4d-4e5f-9a01-b2c3d4e5f607"`, func(t *testing.T, sp ptrace.Span) {
			assert.Equal(t, "6f1c2a8e6a5f4a8b9e573f2d1c0b9a87", sp.TraceID().String())
			want, err := spanID("1e9a6f2b3c4d4e5f9a01b2c3d4e5f607")
			require.NoError(t, err)
			assert.Equal(t, want, sp.ParentSpanID(), "dashed and plain forms fold alike")
		}},
		"status object and kind": {`"status":{"code":"STATUS_CODE_ERROR","message":"m"},"kind":"SPAN_KIND_SERVER"`, func(t *testing.T, sp ptrace.Span) {
			assert.Equal(t, ptrace.StatusCodeError, sp.Status().Code())
			assert.Equal(t, "m", sp.Status().Message())
			assert.Equal(t, ptrace.SpanKindServer, sp.Kind())
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			body := `{"name":"n","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","start_time":1,"end_time":2,` + tc.patch + `}`
			// Later keys win in encoding/json, so the patch overrides.
			res, err := Decode([]byte(body))
			require.NoError(t, err)
			require.Empty(t, res.Rejected)
			tc.check(t, firstSpan(t, res.Traces))
		})
	}
}

func TestDecodeRejectsWithReasons(t *testing.T) {
	base := `"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"n","start_time":10,"end_time":20`
	cases := map[string]string{
		`{` + base + `,"trace_id":"00000000000000000000000000000000"}`: "trace_id is all zeros",
		`{` + base + `,"span_id":"xyz"}`:                               "span_id must be hex",
		`{` + base + `,"end_time":5}`:                                  "end_time (5) is before start_time (10)",
		`{` + base + `,"start_time":-3}`:                               "start_time must be positive",
		`{` + base + `,"status":"MAYBE"}`:                              "status \"MAYBE\"",
		`{` + base + `,"kind":"sideways"}`:                             "kind \"sideways\"",
		`{` + base + `,"attributes":[1]}`:                              "attributes must be an object",
		`{` + base + `,"events":[{"timestamp":1}]}`:                    "events[0].name is required",
		`{` + base + `,"name":""}`:                                     "name is empty",
		`{` + base + `,"parent_span_id":7}`:                            "parent_span_id must be a string",
	}
	for body, want := range cases {
		res, err := Decode([]byte(body))
		require.NoError(t, err, body)
		require.Len(t, res.Rejected, 1, body)
		assert.Contains(t, res.Rejected[0].Reason, want, body)
		assert.Zero(t, res.Traces.SpanCount(), "a rejected span leaves nothing behind")
	}
}

func TestDecodeBrokenBodiesSayWhere(t *testing.T) {
	cases := map[string]string{
		"":                       "empty body",
		"  42":                   "line 1, column 3",
		"{\"spans\":[\n{,}]}":    "line 2, column 2",
		"[{\"a\":1}":             "invalid JSON",
		`{"spans":{"name":"x"}}`: `"spans" must be an array`,
	}
	for body, want := range cases {
		_, err := Decode([]byte(body))
		require.Error(t, err, "%q", body)
		var se *SyntaxError
		require.ErrorAs(t, err, &se)
		assert.Contains(t, err.Error(), want, "%q", body)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(oneSpan))
	f.Add([]byte(`[` + oneSpan + `]`))
	f.Add([]byte(`{"spans":[{"trace_id":"6f1c2a8e-6a5f-4a8b-9e57-3f2d1c0b9a87","span_id":"0d8f5e1a-2b3c-4d5e-8f90-a1b2c3d4e5f6"}]}`))
	f.Add([]byte(`{"spans":[{"start_time":"2024-01-02T03:04:05Z","events":[{"name":"x"}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := Decode(body)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || err.Error() == "" {
				t.Fatalf("a broken body must give a SyntaxError with a message, got %T %v", err, err)
			}
			return
		}
		if res.Accepted+len(res.Rejected) < res.Traces.SpanCount() {
			t.Fatalf("accepted %d + rejected %d < %d spans produced", res.Accepted, len(res.Rejected), res.Traces.SpanCount())
		}
		if res.Accepted != res.Traces.SpanCount() {
			t.Fatalf("accepted %d but %d spans produced", res.Accepted, res.Traces.SpanCount())
		}
		for _, r := range res.Rejected {
			if r.Reason == "" {
				t.Fatalf("rejected span %d has no reason", r.Index)
			}
		}
	})
}
