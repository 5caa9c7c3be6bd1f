// Package bench measures AgentStack's ingest throughput end to end, against
// a stock collector pipeline on the same binary and machine.
package bench

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/agentstack/agentstack/tests/harness"
)

const (
	spansPerBatch = 100
	workers       = 8
)

// stockConfig is the plainest collector pipeline the binary can run: OTLP
// over HTTP in, nothing out.
const stockConfig = `
receivers:
  otlp:
    protocols:
      http:
        endpoint: ${env:AGENTSTACK_HTTP_ENDPOINT}
exporters:
  nop:
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [nop]
  telemetry:
    metrics:
      level: none
`

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// nativeBatch is one agent run of spansPerBatch spans in the native format,
// with realistic attributes (~300 bytes of text per span).
func nativeBatch() []byte {
	trace := randHex(16)
	now := time.Now().UnixNano()
	spans := make([]map[string]any, spansPerBatch)
	root := randHex(8)
	for i := range spans {
		id := root
		parent := ""
		if i > 0 {
			id, parent = randHex(8), root
		}
		spans[i] = map[string]any{
			"trace_id": trace, "span_id": id, "parent_span_id": parent, "name": fmt.Sprintf("step.%d", i%7),
			"start_time": now + int64(i)*1000, "end_time": now + int64(i)*1000 + 500, "status": "OK", "service_name": "bench-agent",
			"attributes": map[string]any{
				"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 300,
				"gen_ai.prompt": "Summarise the customer's last three tickets and propose a next action for the support engineer on duty.",
				"tool.name":     "search", "step": i,
			},
		}
	}
	b, _ := json.Marshal(map[string]any{"spans": spans})
	return b
}

func otlpBatch() []byte {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "bench-agent")
	ss := rs.ScopeSpans().AppendEmpty()
	var tid pcommon.TraceID
	_, _ = rand.Read(tid[:])
	now := time.Now()
	for i := 0; i < spansPerBatch; i++ {
		s := ss.Spans().AppendEmpty()
		var sid pcommon.SpanID
		_, _ = rand.Read(sid[:])
		s.SetTraceID(tid)
		s.SetSpanID(sid)
		s.SetName(fmt.Sprintf("step.%d", i%7))
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(now))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Microsecond)))
		a := s.Attributes()
		a.PutStr("gen_ai.request.model", "gpt-4o")
		a.PutInt("gen_ai.usage.input_tokens", 1200)
		a.PutInt("gen_ai.usage.output_tokens", 300)
		a.PutStr("gen_ai.prompt", "Summarise the customer's last three tickets and propose a next action for the support engineer on duty.")
		a.PutStr("tool.name", "search")
		a.PutInt("step", int64(i))
	}
	b, _ := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	return b
}

// drive posts n prepared bodies from a pool of workers and fails on any
// answer but want.
func drive(b *testing.B, url, contentType string, headers map[string]string, bodies [][]byte, want int) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if int(i) >= len(bodies) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i]))
				req.Header.Set("Content-Type", contentType)
				for k, v := range headers {
					req.Header.Set(k, v)
				}
				resp, err := client.Do(req)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				resp.Body.Close()
				if resp.StatusCode != want {
					failed.Store(fmt.Sprintf("status %d", resp.StatusCode))
					return
				}
			}
		}()
	}
	wg.Wait()
	client.CloseIdleConnections()
	if f := failed.Load(); f != nil {
		b.Fatalf("a request failed: %v", f)
	}
}

// BenchmarkIngest reports, in one run, spans per second for native JSON ->
// apikeyauth -> projectstamp -> cost -> batch -> SQLite (counted once stored,
// not once accepted) and for a stock otlp -> nop pipeline on the same
// binary, and their ratio. b.N is the number of 100-span batches.
func BenchmarkIngest(b *testing.B) {
	n := b.N
	native := make([][]byte, n)
	otlp := make([][]byte, n)
	for i := 0; i < n; i++ {
		native[i], otlp[i] = nativeBatch(), otlpBatch()
	}

	// BENCH_CONFIG swaps the shipped config for another, to compare settings.
	ours := harness.Start(b, harness.Options{Config: os.Getenv("BENCH_CONFIG")})
	db := ours.DB()
	b.ResetTimer()
	start := time.Now()
	drive(b, ours.URL()+"/v1/traces", "application/json", map[string]string{"X-API-Key": harness.BootstrapKey}, native, http.StatusAccepted)
	accepted := time.Since(start)
	want := n * spansPerBatch
	if got := harness.WaitForCount(b, db, want, 5*time.Minute, `SELECT COUNT(*) FROM spans`); got != want {
		b.Fatalf("stored %d of %d spans", got, want)
	}
	stored := time.Since(start)
	b.StopTimer()
	ours.Stop()

	dir := b.TempDir()
	cfg := filepath.Join(dir, "stock.yaml")
	if err := os.WriteFile(cfg, []byte(stockConfig), 0o600); err != nil {
		b.Fatal(err)
	}
	stock := harness.Start(b, harness.Options{Config: cfg, ReadyPath: "/"})
	b.StartTimer()
	start = time.Now()
	drive(b, stock.URL()+"/v1/traces", "application/x-protobuf", nil, otlp, http.StatusOK)
	nop := time.Since(start)
	b.StopTimer()

	spans := float64(want)
	b.ReportMetric(spans/stored.Seconds(), "native_store_spans/s")
	b.ReportMetric(spans/accepted.Seconds(), "native_accepted_spans/s")
	b.ReportMetric(spans/nop.Seconds(), "otlp_nop_spans/s")
	b.ReportMetric((spans/stored.Seconds())/(spans/nop.Seconds()), "ratio_store/nop")
}
