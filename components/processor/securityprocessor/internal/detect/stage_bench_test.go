package detect

import (
	"testing"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/bench"
	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/classify"
	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/normalize"
)

// The stage benchmarks split BenchmarkScanAll into its passes over bench.Text,
// to show where the time goes.

func BenchmarkStageFold(b *testing.B) {
	b.SetBytes(int64(len(bench.Text)))
	b.ReportAllocs()
	start := bench.CPU()
	for b.Loop() {
		_ = normalize.Fold(bench.Text)
	}
	bench.ReportCPU(b, start)
}

func BenchmarkStageInjectionIndex(b *testing.B) {
	e, _ := New(all())
	f := normalize.Fold(bench.Text)
	var hits []anchorHit
	b.SetBytes(int64(len(f.Text)))
	b.ReportAllocs()
	start := bench.CPU()
	for b.Loop() {
		_, hits = e.injection.present(f, hits[:0])
	}
	bench.ReportCPU(b, start)
}

func BenchmarkStageInjectionScore(b *testing.B) {
	e, _ := New(all())
	f := normalize.Fold(bench.Text)
	b.SetBytes(int64(len(bench.Text)))
	b.ReportAllocs()
	start := bench.CPU()
	for b.Loop() {
		_ = e.injection.score(f, nil, false, e.disabled)
	}
	bench.ReportCPU(b, start)
}

func BenchmarkStageSecrets(b *testing.B) {
	e, _ := New(all())
	blocks := classify.Blocks(bench.Text, nil)
	b.SetBytes(int64(len(bench.Text)))
	b.ReportAllocs()
	start := bench.CPU()
	for b.Loop() {
		e.scanSecrets(bench.Text, blocks, func(string, int, int) {})
	}
	bench.ReportCPU(b, start)
}

func BenchmarkStageNumbers(b *testing.B) {
	b.SetBytes(int64(len(bench.Text)))
	b.ReportAllocs()
	start := bench.CPU()
	for b.Loop() {
		scanNumbers(bench.Text, func(string, int, int) {})
	}
	bench.ReportCPU(b, start)
}

func BenchmarkStageEmailsIPv6(b *testing.B) {
	b.SetBytes(int64(len(bench.Text)))
	b.ReportAllocs()
	start := bench.CPU()
	for b.Loop() {
		scanEmails(bench.Text, func(string, int, int) {})
		scanIPv6(bench.Text, func(string, int, int) {})
	}
	bench.ReportCPU(b, start)
}
