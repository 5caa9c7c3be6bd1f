package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkWriteBatch writes batches of 500 spans (five 100-span traces)
// with realistic JSON attributes; ns/op is per batch.
func BenchmarkWriteBatch(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	attrs := []byte(`{"gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":1200,"gen_ai.usage.output_tokens":300,"gen_ai.prompt":"Summarise the customer's last three tickets and propose a next action for the support engineer on duty.","tool.name":"search","step":3}`)
	res := []byte(`{"service.name":"bench","agentstack.project.id":"p"}`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		batch := Batch{Spans: make([]Span, 500)}
		for j := range batch.Spans {
			batch.Spans[j] = Span{ProjectID: "p", TraceID: fmt.Sprintf("%032d", i*5+j/100), SpanID: fmt.Sprintf("%016d", j),
				Name: "step", StartNs: int64(j), EndNs: int64(j + 10), StatusCode: "OK", Attributes: attrs, ResourceAttributes: res,
				Model: "gpt-4o", InputTokens: 1200, OutputTokens: 300, TotalTokens: 1500, CostUSD: 0.006}
		}
		if _, err := s.WriteBatch(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "spans/s")
}
