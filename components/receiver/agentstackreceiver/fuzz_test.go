package agentstackreceiver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

// FuzzIngest drives the whole /v1/traces and /v1/logs handlers, native and
// OTLP (protobuf and JSON) alike, with arbitrary bodies: they must never
// panic, must answer one of the documented statuses, and must hand the
// pipeline only spans with ids.
func FuzzIngest(f *testing.F) {
	td := ptrace.NewTraces()
	sp := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	sp.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	sp.SetName("seed")
	proto, _ := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	js, _ := ptraceotlp.NewExportRequestFromTraces(td).MarshalJSON()
	f.Add(proto, uint8(0))
	f.Add(js, uint8(1))
	f.Add([]byte(span), uint8(1))
	f.Add([]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}}]}]}]}`), uint8(3))
	f.Add(proto, uint8(2))

	allowed := map[int]bool{http.StatusOK: true, http.StatusAccepted: true, http.StatusBadRequest: true}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		sink := &consumertest.TracesSink{}
		logs := &consumertest.LogsSink{}
		cfg := createDefaultConfig().(*Config)
		r, err := newReceiver(cfg, receivertest.NewNopSettings(Type))
		if err != nil {
			t.Fatal(err)
		}
		r.auth, r.nextTraces, r.nextLogs = keyAuth{}, sink, logs
		path, ct := "/v1/traces", "application/json"
		switch mode % 4 {
		case 0:
			ct = "application/x-protobuf"
		case 2:
			path, ct = "/v1/logs", "application/x-protobuf"
		case 3:
			path = "/v1/logs"
		}
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Api-Key", "ak_good")
		w := httptest.NewRecorder()
		r.routes().ServeHTTP(w, req)
		if !allowed[w.Code] {
			t.Fatalf("%s %s answered %d: %s", path, ct, w.Code, w.Body.String())
		}
		for _, got := range sink.AllTraces() {
			rss := got.ResourceSpans()
			for i := 0; i < rss.Len(); i++ {
				sss := rss.At(i).ScopeSpans()
				for j := 0; j < sss.Len(); j++ {
					spans := sss.At(j).Spans()
					for k := 0; k < spans.Len(); k++ {
						if spans.At(k).TraceID().IsEmpty() || spans.At(k).SpanID().IsEmpty() {
							t.Fatalf("a span without ids reached the pipeline")
						}
					}
				}
			}
		}
	})
}
