// Package reliability proves AgentStack's delivery guarantees against the
// built binary: what was acknowledged survives crashes, exactly once.
package reliability

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/tests/harness"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, harness.LeakOptions()...)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestKill9UnderLoadLosesNothingAcknowledged sends batches from several
// clients, kills the process with SIGKILL in the middle, restarts it on the
// same data, and checks that every span answered 202 is stored exactly
// once. RELIABILITY_BATCHES sets the load (default 400 batches of 20 spans).
func TestKill9UnderLoadLosesNothingAcknowledged(t *testing.T) {
	batches := envInt("RELIABILITY_BATCHES", 400)
	const spansPerBatch = 20
	c := harness.Start(t, harness.Options{})
	url := c.URL() + "/v1/traces"

	var (
		mu    sync.Mutex
		acked = map[string]bool{} // trace ids answered 202
		next  atomic.Int64
		sent  atomic.Int64
	)
	killAt := int64(batches / 2)
	killed := make(chan struct{})
	var once sync.Once
	client := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(batches) {
					return
				}
				if i == killAt {
					once.Do(func() { c.Kill(); close(killed) })
				}
				traceID := randHex(16)
				spans := make([]map[string]any, spansPerBatch)
				now := time.Now().UnixNano()
				for j := range spans {
					spans[j] = map[string]any{"trace_id": traceID, "span_id": randHex(8), "name": "step",
						"start_time": now, "end_time": now + 1000, "status": "OK",
						"attributes": map[string]any{"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 10}}
				}
				body, _ := json.Marshal(spans)
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-API-Key", harness.BootstrapKey)
				sent.Add(1)
				resp, err := client.Do(req)
				if err != nil {
					continue // refused or cut by the crash: not acknowledged
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted {
					mu.Lock()
					acked[traceID] = true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	<-killed
	client.CloseIdleConnections()

	c.Restart()
	db := c.DB()
	want := len(acked) * spansPerBatch
	stored := harness.WaitForCount(t, db, want, 60*time.Second,
		`SELECT COUNT(*) FROM spans`)
	t.Logf("batches sent %d, acknowledged %d (%d spans), stored %d spans after kill -9 and restart",
		sent.Load(), len(acked), want, stored)

	var missing int
	for traceID := range acked {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM spans WHERE trace_id = ?`, traceID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != spansPerBatch {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d acknowledged traces are incomplete after the crash; log:\n%s", missing, c.Log())
	}
	var dup int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT span_id FROM spans GROUP BY project_id, trace_id, span_id HAVING COUNT(*) > 1)`).Scan(&dup); err != nil {
		t.Fatal(err)
	}
	if dup != 0 {
		t.Errorf("%d spans stored twice", dup)
	}
	var rolled int
	if err := db.QueryRow(`SELECT COALESCE(SUM(span_count), 0) FROM traces`).Scan(&rolled); err != nil {
		t.Fatal(err)
	}
	if rolled != stored {
		t.Errorf("trace roll-ups count %d spans, the spans table %d: replays were added twice", rolled, stored)
	}
	if len(acked) == 0 {
		t.Fatal("nothing was acknowledged: the test proved nothing")
	}
}
