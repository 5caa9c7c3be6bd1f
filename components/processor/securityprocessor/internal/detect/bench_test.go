package detect

import (
	"strings"
	"testing"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/bench"
)

func benchScan(b *testing.B, cfg Config, src Source, text string) {
	e, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var buf []Finding
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	start := bench.CPU()
	for b.Loop() {
		buf = e.Scan(text, src, buf[:0])
	}
	bench.ReportCPU(b, start)
}

func BenchmarkScanAll(b *testing.B) { benchScan(b, all(), SourceUserInput, bench.Text) }
func BenchmarkScanToolOutput(b *testing.B) {
	benchScan(b, all(), SourceToolOutput, strings.ReplaceAll(bench.Text, ". ", ".\n"))
}
func BenchmarkScanPIIAndSecrets(b *testing.B) {
	benchScan(b, Config{PII: true, Secrets: true}, SourceModelOutput, bench.Text)
}
func BenchmarkScanInjectionOnly(b *testing.B) {
	benchScan(b, Config{Injection: true}, SourceUserInput, bench.Text)
}
