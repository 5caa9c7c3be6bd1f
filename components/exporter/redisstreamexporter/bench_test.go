package redisstreamexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/internal/redistest"
)

// BenchmarkPushTraces measures spans per second through one export call
// (one pipeline of 512 XADDs, plus one per alert on every tenth span) to a
// local redis-server.
func BenchmarkPushTraces(b *testing.B) {
	for _, format := range []string{"json", "otlp_proto"} {
		b.Run(format, func(b *testing.B) {
			srv := redistest.Start(b)
			e := startDirect(b, testConfig(b, srv, map[string]any{"format": format}))
			const perBatch = 512
			batch := numberedAlerts("p1", 0, perBatch, 10)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				require.NoError(b, e.pushTraces(ctx, batch))
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N*perBatch)/b.Elapsed().Seconds(), "spans/s")
		})
	}
}
