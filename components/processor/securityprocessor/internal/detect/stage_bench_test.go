package detect

import (
	"testing"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/classify"
	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/normalize"
)

// The stage benchmarks split BenchmarkScanAll into its passes over benchText,
// to show where the time goes.

func BenchmarkStageFold(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		_ = normalize.Fold(benchText)
	}
	reportCPU(b, start)
}

func BenchmarkStageInjectionIndex(b *testing.B) {
	e, _ := New(all())
	f := normalize.Fold(benchText)
	var hits []anchorHit
	b.SetBytes(int64(len(f.Text)))
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		_, hits = e.injection.present(f, hits[:0])
	}
	reportCPU(b, start)
}

func BenchmarkStageInjectionScore(b *testing.B) {
	e, _ := New(all())
	f := normalize.Fold(benchText)
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		_ = e.injection.score(f, nil, false, e.disabled)
	}
	reportCPU(b, start)
}

func BenchmarkStageSecrets(b *testing.B) {
	e, _ := New(all())
	blocks := classify.Blocks(benchText, nil)
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		e.scanSecrets(benchText, blocks, func(string, int, int) {})
	}
	reportCPU(b, start)
}

func BenchmarkStageNumbers(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		scanNumbers(benchText, func(string, int, int) {})
	}
	reportCPU(b, start)
}

func BenchmarkStageEmailsIPv6(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		scanEmails(benchText, func(string, int, int) {})
		scanIPv6(benchText, func(string, int, int) {})
	}
	reportCPU(b, start)
}
