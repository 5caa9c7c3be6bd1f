package detect

import (
	"strings"
	"testing"
	"time"
)

// benchText is about 1 KB of ordinary agent traffic with nothing to report.
var benchText = func() string {
	s := "You are a support assistant for Acme Corp. Answer briefly and cite the knowledge base article id when you use one. " +
		"The customer writes: Hello, I ordered the blue kettle (order 55123) on March 3rd and it arrived with a cracked lid. " +
		"Your shop page at https://shop.acme.example/kettles/blue says returns are accepted within 30 days, and the receipt shows 2 items " +
		"for a total of 84.50 EUR including shipping. Could you tell me whether I should send the kettle back first or wait for a " +
		"replacement lid? I would also like to know how long a refund usually takes, since last time it took about two weeks. " +
		"Context from the knowledge base: KB-1042 Returns: items can be returned within 30 days of delivery in their original packaging. " +
		"KB-2210 Damaged goods: for parts damaged in transit we ship a replacement part first; the customer keeps the item. " +
		"KB-0310 Refunds: refunds are issued to the original payment method within 5 to 10 business days after we receive the return. " +
		"Respond in the customer's language and keep a friendly tone; do not promise dates the policy does not state."
	return (s + strings.Repeat(" Thank you.", 20))[:1024]
}()

func benchScan(b *testing.B, cfg Config, src Source, text string) {
	e, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var buf []Finding
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		buf = e.Scan(text, src, buf[:0])
	}
	reportCPU(b, start)
}

// reportCPU adds cpu-ns/op, the process CPU time per operation (0 where the
// platform does not expose it).
func reportCPU(b *testing.B, start time.Duration) {
	if used := processCPU() - start; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkScanAll(b *testing.B) { benchScan(b, all(), SourceUserInput, benchText) }
func BenchmarkScanToolOutput(b *testing.B) {
	benchScan(b, all(), SourceToolOutput, strings.ReplaceAll(benchText, ". ", ".\n"))
}
func BenchmarkScanPIIAndSecrets(b *testing.B) {
	benchScan(b, Config{PII: true, Secrets: true}, SourceModelOutput, benchText)
}
func BenchmarkScanInjectionOnly(b *testing.B) {
	benchScan(b, Config{Injection: true}, SourceUserInput, benchText)
}
