package normalize

import (
	"testing"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/bench"
)

func BenchmarkFold(b *testing.B) {
	b.SetBytes(int64(len(bench.Text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Fold(bench.Text)
	}
}

func BenchmarkFoldReference(b *testing.B) {
	b.SetBytes(int64(len(bench.Text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = foldReference(bench.Text)
	}
}
