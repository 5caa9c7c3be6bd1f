package reliability

import (
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentstack/agentstack/tests/harness"
)

// loadRun is what one load run measured.
type loadRun struct {
	statuses  map[int]int
	latencies []time.Duration
	acked     map[string]bool
	rssKiB    []int
	elapsed   time.Duration
}

func (r *loadRun) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	return r.latencies[int(float64(len(r.latencies)-1)*p)]
}

func (r *loadRun) maxRSS() int {
	m := 0
	for _, v := range r.rssKiB {
		if v > m {
			m = v
		}
	}
	return m
}

// drive sends 50-span batches from workers for d, paced to rate spans/s
// (0: as fast as the collector answers), sampling the process's RSS.
func drive(t *testing.T, c *harness.Collector, d time.Duration, rate, workers int) *loadRun {
	t.Helper()
	const spans = 50
	run := &loadRun{statuses: map[int]int{}, acked: map[string]bool{}}
	var mu sync.Mutex
	client := &http.Client{Timeout: 30 * time.Second}
	url := c.URL() + "/v1/traces"
	start := time.Now()
	deadline := start.Add(d)
	var tick <-chan time.Time
	if rate > 0 {
		tk := time.NewTicker(time.Second * spans / time.Duration(rate))
		defer tk.Stop()
		tick = tk.C
	}
	var wg sync.WaitGroup
	var stop atomic.Bool
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && time.Now().Before(deadline) {
				if tick != nil {
					select {
					case <-tick:
					case <-time.After(time.Until(deadline)):
						return
					}
				}
				traceID := randHex(16)
				body := batchBody(traceID, spans)
				t0 := time.Now()
				code, err := send(client, url, body)
				lat := time.Since(t0)
				mu.Lock()
				if err != nil {
					run.statuses[-1]++
				} else {
					run.statuses[code]++
					run.latencies = append(run.latencies, lat)
					if code == http.StatusAccepted {
						run.acked[traceID] = true
					}
				}
				mu.Unlock()
				if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	pid := c.PID()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Second):
				r := rssKiB(pid)
				mu.Lock()
				run.rssKiB = append(run.rssKiB, r)
				mu.Unlock()
			}
		}
	}()
	wg.Wait()
	close(done)
	client.CloseIdleConnections()
	run.elapsed = time.Since(start)
	return run
}

// checkRun asserts what every load run must hold: only 202/429/503
// answers, and every acknowledged span stored exactly once.
func checkRun(t *testing.T, c *harness.Collector, run *loadRun) {
	t.Helper()
	for code, n := range run.statuses {
		if code != http.StatusAccepted && code != http.StatusTooManyRequests && code != http.StatusServiceUnavailable {
			t.Errorf("%d answers were %d", n, code)
		}
	}
	want := len(run.acked) * 50
	got := harness.WaitForCount(t, c.DB(), want, 5*time.Minute, `SELECT COUNT(*) FROM spans`)
	if got != want {
		t.Errorf("stored %d spans, acknowledged %d", got, want)
	}
	if len(run.acked) == 0 {
		t.Fatal("nothing was acknowledged: the run proved nothing")
	}
}

// TestSustainedLoad runs at a fixed rate (RELIABILITY_RATE spans/s, default
// 2,000) for RELIABILITY_SUSTAIN_SECONDS (default 5; the documented run uses
// 600) and reports throughput, request latency and RSS.
func TestSustainedLoad(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	d := time.Duration(envInt("RELIABILITY_SUSTAIN_SECONDS", 5)) * time.Second
	rate := envInt("RELIABILITY_RATE", 2000)
	run := drive(t, c, d, rate, 8)
	checkRun(t, c, run)
	t.Logf("sustained %v at %d spans/s target: %.0f spans/s acknowledged, answers %v, latency p50 %v p99 %v, RSS max %d MiB (samples every 1 s: %v)",
		d, rate, float64(len(run.acked)*50)/run.elapsed.Seconds(), run.statuses, run.percentile(0.5), run.percentile(0.99),
		run.maxRSS()/1024, sampleMiB(run.rssKiB))
	if run.statuses[http.StatusAccepted] == 0 {
		t.Fatal("no request was accepted")
	}
}

// TestFlood sends as fast as the collector answers, from many clients, for
// RELIABILITY_FLOOD_SECONDS (default 5; the documented run uses 120), into
// a queue of RELIABILITY_FLOOD_QUEUE spans (default 20,000): past
// capacity the answers must be refusals, never errors or lost spans, and
// memory must stay bounded.
func TestFlood(t *testing.T) {
	// A smaller queue than the shipped 100,000 spans, so that even a short
	// run goes past capacity and sees refusals.
	queue := os.Getenv("RELIABILITY_FLOOD_QUEUE")
	if queue == "" {
		queue = "20000"
	}
	c := harness.Start(t, harness.Options{Env: []string{"AGENTSTACK_QUEUE_SIZE=" + queue}})
	d := time.Duration(envInt("RELIABILITY_FLOOD_SECONDS", 5)) * time.Second
	run := drive(t, c, d, 0, 24)
	checkRun(t, c, run)
	t.Logf("flood %v: %.0f spans/s acknowledged, answers %v, latency p50 %v p99 %v, RSS max %d MiB",
		d, float64(len(run.acked)*50)/run.elapsed.Seconds(), run.statuses, run.percentile(0.5), run.percentile(0.99), run.maxRSS()/1024)
	if max := run.maxRSS(); max > 2<<20 {
		t.Errorf("RSS reached %d MiB", max/1024)
	}
}

// sampleMiB thins RSS samples to at most 12, in MiB, for the log.
func sampleMiB(kib []int) []int {
	step := len(kib)/12 + 1
	var out []int
	for i := 0; i < len(kib); i += step {
		out = append(out, kib[i]/1024)
	}
	return out
}
