package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/tests/harness"
)

func batchBody(traceID string, n int) []byte {
	now := time.Now().UnixNano()
	spans := make([]map[string]any, n)
	for j := range spans {
		spans[j] = map[string]any{"trace_id": traceID, "span_id": randHex(8), "name": "step",
			"start_time": now, "end_time": now + 1000, "status": "OK",
			"attributes": map[string]any{"gen_ai.request.model": "gpt-4o", "note": strings.Repeat("x", 200)}}
	}
	b, _ := json.Marshal(spans)
	return b
}

func send(client *http.Client, url string, body []byte) (int, error) {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", harness.BootstrapKey)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// rssKiB reads the resident set size of a process.
func rssKiB(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return -1
}

// TestOverloadIsRefusedNotLost floods a collector whose queue is small
// while its store is held locked: the receiver must answer 429/503 (never
// anything else, never hang), stay up with bounded memory, and everything
// it acknowledged must be stored once the store is free.
func TestOverloadIsRefusedNotLost(t *testing.T) {
	c := harness.Start(t, harness.Options{Env: []string{"AGENTSTACK_QUEUE_SIZE=2000"}})
	url := c.URL() + "/v1/traces"

	// Hold the write lock so the queue cannot drain: the pipeline is "full".
	st, err := store.Open(context.Background(), c.DBPath(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	release, err := st.HoldWriteLock(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	duration := time.Duration(envInt("RELIABILITY_OVERLOAD_SECONDS", 6)) * time.Second
	var (
		mu       sync.Mutex
		acked    = map[string]bool{}
		statuses = map[int]int{}
		maxRSS   atomic.Int64
	)
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				traceID := randHex(16)
				code, err := send(client, url, batchBody(traceID, 50))
				mu.Lock()
				if err != nil {
					statuses[-1]++
				} else {
					statuses[code]++
					if code == http.StatusAccepted {
						acked[traceID] = true
					}
				}
				mu.Unlock()
				if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	pid := c.PID()
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
				if r := int64(rssKiB(pid)); r > maxRSS.Load() {
					maxRSS.Store(r)
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	release()
	client.CloseIdleConnections()

	t.Logf("answers during overload: %v; acknowledged %d batches; max RSS %d MiB", statuses, len(acked), maxRSS.Load()/1024)
	for code, n := range statuses {
		if code != http.StatusAccepted && code != http.StatusTooManyRequests && code != http.StatusServiceUnavailable {
			t.Errorf("%d answers were %d: overload must be 202, 429 or 503", n, code)
		}
	}
	if statuses[http.StatusTooManyRequests]+statuses[http.StatusServiceUnavailable] == 0 {
		t.Fatalf("the pipeline was never full: the test proved nothing (%v)", statuses)
	}
	if maxRSS.Load() > 1<<20 { // 1 GiB
		t.Errorf("RSS reached %d MiB under overload", maxRSS.Load()/1024)
	}
	want := len(acked) * 50
	got := harness.WaitForCount(t, c.DB(), want, 90*time.Second, `SELECT COUNT(*) FROM spans`)
	if got != want {
		t.Errorf("stored %d spans, acknowledged %d; log:\n%s", got, want, c.Log())
	}
}

// TestLockedStoreIsRetriedAndRecovers holds the database's write lock past
// the busy timeout: the exporter must log the fault, retry, and store the
// spans once the lock is released, while ingest keeps answering 202.
func TestLockedStoreIsRetriedAndRecovers(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	st, err := store.Open(context.Background(), c.DBPath(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	release, err := st.HoldWriteLock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	traceID := randHex(16)
	client := &http.Client{Timeout: 10 * time.Second}
	code, err := send(client, c.URL()+"/v1/traces", batchBody(traceID, 10))
	if err != nil || code != http.StatusAccepted {
		t.Fatalf("ingest while the store is locked: %d %v", code, err)
	}
	time.Sleep(7 * time.Second) // past the 5 s busy timeout: at least one failed attempt
	release()
	client.CloseIdleConnections()
	got := harness.WaitForCount(t, c.DB(), 10, 60*time.Second, `SELECT COUNT(*) FROM spans WHERE trace_id = ?`, traceID)
	if got != 10 {
		t.Fatalf("stored %d of 10 spans after the lock was released; log:\n%s", got, c.Log())
	}
	if !strings.Contains(c.Log(), "database is locked") {
		t.Errorf("the log does not say why the write failed; log:\n%s", c.Log())
	}
}

// TestFullStoreIsRetriedAndRecovers caps the database at 1 MiB, as a full
// disk would: writes fail with a clear error, ingest goes on into the
// persistent queue, the process stays up; restarted without the cap, every
// acknowledged span is stored.
func TestFullStoreIsRetriedAndRecovers(t *testing.T) {
	c := harness.Start(t, harness.Options{Env: []string{"AGENTSTACK_MAX_DB_MIB=1"}})
	client := &http.Client{Timeout: 10 * time.Second}
	var acked []string
	for i := 0; i < 150; i++ {
		traceID := randHex(16)
		code, err := send(client, c.URL()+"/v1/traces", batchBody(traceID, 20))
		if err == nil && code == http.StatusAccepted {
			acked = append(acked, traceID)
		}
	}
	client.CloseIdleConnections()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(c.Log(), "database or disk is full") && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(c.Log(), "database or disk is full") {
		t.Fatalf("the store never filled, or the log does not say so; log:\n%s", c.Log())
	}
	resp, err := http.Get(c.URL() + "/ready")
	if err != nil {
		t.Fatalf("the collector is down while the store is full: %v", err)
	}
	resp.Body.Close()

	c.RestartWith(nil) // the fault clears: no cap
	want := len(acked) * 20
	got := harness.WaitForCount(t, c.DB(), want, 90*time.Second, `SELECT COUNT(*) FROM spans`)
	if got != want {
		t.Errorf("stored %d of %d acknowledged spans after the store had room again; log:\n%s", got, want, c.Log())
	}
}
