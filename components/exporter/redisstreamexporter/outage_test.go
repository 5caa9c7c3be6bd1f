package redisstreamexporter

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/internal/redistest"
)

// outage is how long Redis stays down: REDIS_OUTAGE (a Go duration, e.g.
// 30s for the long run), 3s by default.
func outage(t *testing.T) time.Duration {
	t.Helper()
	s := os.Getenv("REDIS_OUTAGE")
	if s == "" {
		return 3 * time.Second
	}
	d, err := time.ParseDuration(s)
	require.NoError(t, err, "REDIS_OUTAGE must be a Go duration such as 30s")
	return d
}

// TestNoSpanLostWhileRedisIsDown stops Redis under a steady load and starts
// it again: the sending queue and the retry must carry every span sent
// meanwhile into the stream. The test server keeps nothing across a
// restart, so the spans sent before the stop are checked before it.
func TestNoSpanLostWhileRedisIsDown(t *testing.T) {
	down := outage(t)
	srv := redistest.Start(t)
	cfg := testConfig(t, srv, map[string]any{
		"span_max_len": 0,
		"retry_on_failure": map[string]any{
			"enabled": true, "initial_interval": "100ms", "max_interval": "500ms", "max_elapsed_time": "0s",
		},
		"sending_queue": map[string]any{"enabled": true, "sizer": "items", "queue_size": 1_000_000},
	})
	exp := startFull(t, cfg)
	c := newClient(t, srv)
	ctx := context.Background()

	const perBatch = 10
	next := 0
	send := func() {
		require.NoError(t, exp.ConsumeTraces(ctx, numbered("p1", next, perBatch)), "the queue accepts while Redis is down")
		next += perBatch
	}
	waitFor := func(n int, within time.Duration) []string {
		t.Helper()
		var ids []string
		require.Eventually(t, func() bool {
			ids = streamSpanIDs(t, c, DefaultSpanStream)
			return len(ids) >= n
		}, within, 50*time.Millisecond, "expected %d spans in the stream", n)
		return ids
	}

	// Phase 1: Redis up.
	for i := 0; i < 20; i++ {
		send()
		time.Sleep(10 * time.Millisecond)
	}
	require.Len(t, unique(waitFor(next, 10*time.Second)), next)

	// Phase 2: Redis stopped while batches keep coming, then back.
	srv.Stop()
	firstDuring := next
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(down)
		srv.Start()
		close(stop)
	}()
	for running := true; running; {
		select {
		case <-stop:
			running = false
		default:
			send()
			time.Sleep(20 * time.Millisecond)
		}
	}
	wg.Wait()
	// Phase 3: a little more load once it is back.
	for i := 0; i < 20; i++ {
		send()
		time.Sleep(10 * time.Millisecond)
	}
	want := next - firstDuring
	t.Logf("outage %s: %d spans sent while Redis was down or after", down, want)
	ids := waitFor(want, down+30*time.Second)
	got := unique(ids)
	assert.Len(t, got, want, "every span sent during and after the outage is in the stream")
	for i := firstDuring; i < next; i += 97 {
		_, ok := got[numbered("p1", i, 1).ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).SpanID().String()]
		assert.True(t, ok, "span %d is in the stream", i)
	}
	require.NoError(t, exp.Shutdown(ctx))
}

func unique(ids []string) map[string]struct{} {
	m := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		m[id] = struct{}{}
	}
	return m
}
