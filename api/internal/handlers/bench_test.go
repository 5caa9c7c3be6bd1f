package handlers

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agentstack/agentstack/api/internal/auth"
	"github.com/agentstack/agentstack/internal/store"
)

// Benchmark data: benchSpans spans in the benchmark user's main project,
// as benchTraces-1000 traces of benchSpansPerTrace spans plus bigTraces
// traces of 1,000 spans, over a week; a second, small project makes the
// user's scope a set of two.
const (
	benchSpans         = 1_000_000
	benchSpansPerTrace = 10
	bigTraces          = 10
	bigTraceSpans      = 1_000
	benchBatch         = 5_000
)

var benchModels = []string{"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "gemini-1.5-pro", ""}

// generate fills st through WriteBatch, as the exporter would, and returns
// the id of one 1,000-span trace.
func generate(b *testing.B, st *store.Store, main, second string) string {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	week := int64(7 * 24 * time.Hour)
	batch := store.Batch{}
	flush := func() {
		if _, err := st.WriteBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
		batch = store.Batch{Spans: batch.Spans[:0], Alerts: batch.Alerts[:0]}
	}
	trace := func(project string, n int, seq int) string {
		traceID := benchTraceID(seq)
		t0 := start + rng.Int64N(week)
		session := ""
		if seq%4 == 0 {
			session = fmt.Sprintf("sess-%d", seq/12)
		}
		rootID := fmt.Sprintf("%016x", uint64(seq)<<20)
		for i := 0; i < n; i++ {
			sp := store.Span{ProjectID: project, TraceID: traceID, SpanID: fmt.Sprintf("%016x", uint64(seq)<<20|uint64(i)),
				Name: "agent.run", StartNs: t0 + int64(i)*1e6, StatusCode: "OK", ServiceName: "svc-" + fmt.Sprint(seq%5),
				Attributes: []byte(`{"agent.name":"triage","step":` + fmt.Sprint(i) + `}`), SessionID: session}
			sp.EndNs = sp.StartNs + rng.Int64N(2e9)
			if i > 0 {
				sp.ParentSpanID = rootID
				sp.Name = "llm.chat"
				sp.Model = benchModels[rng.IntN(len(benchModels))]
				if sp.Model != "" {
					sp.InputTokens, sp.OutputTokens = rng.Int64N(2000), rng.Int64N(500)
					sp.TotalTokens = sp.InputTokens + sp.OutputTokens
					sp.CostUSD = float64(sp.TotalTokens) * 2e-6
				}
				if rng.IntN(50) == 0 {
					sp.StatusCode, sp.Name = "ERROR", "tool.search"
				}
			}
			batch.Spans = append(batch.Spans, sp)
			if rng.IntN(200) == 0 {
				batch.Alerts = append(batch.Alerts, store.Alert{ID: fmt.Sprintf("al-%s-%d", traceID, i), ProjectID: project,
					TraceID: traceID, SpanID: sp.SpanID, Rule: "pii.email", Severity: "medium", TimeNs: sp.StartNs})
			}
			if len(batch.Spans) >= benchBatch {
				flush()
			}
		}
		return traceID
	}
	var big string
	seq := 0
	for i := 0; i < bigTraces; i++ {
		seq++
		big = trace(main, bigTraceSpans, seq)
	}
	for n := (benchSpans - bigTraces*bigTraceSpans) / benchSpansPerTrace; n > 0; n-- {
		seq++
		trace(main, benchSpansPerTrace, seq)
	}
	for i := 0; i < 100; i++ {
		seq++
		trace(second, benchSpansPerTrace, seq)
	}
	flush()
	return big
}

func benchTraceID(seq int) string { return fmt.Sprintf("%032x", uint64(seq)*0x9e3779b97f4a7c15+1) }

func percentile(d []time.Duration, p float64) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[int(p*float64(len(d)-1))]
}

// BenchmarkAPI measures handler latency (routing, token check, tenancy
// scope, SQL, JSON) over a store of 1,000,000 spans. Targets: trace list
// p95 ≤ 50 ms, 1,000-span trace detail ≤ 30 ms.
//
//	go test -run '^$' -bench BenchmarkAPI -benchtime 200x ./api/internal/handlers/
func BenchmarkAPI(b *testing.B) {
	ctx := context.Background()
	// AGENTSTACK_BENCH_DB keeps the generated file between runs (when it
	// exists it is reused as is); by default it lives in a temp dir.
	path := os.Getenv("AGENTSTACK_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	_, statErr := os.Stat(path)
	reuse := statErr == nil
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var u store.User
	var big string
	if reuse {
		if u, err = st.UserByEmail(ctx, "bench@example.com"); err != nil {
			b.Fatal(err)
		}
		big = benchTraceID(bigTraces)
		b.Logf("reusing %s", path)
	} else {
		pw, _ := auth.NewPasswords(bcrypt.MinCost)
		hash, _ := pw.Hash("correct horse battery")
		if u, err = st.CreateUser(ctx, "bench@example.com", hash, false); err != nil {
			b.Fatal(err)
		}
		main, err := st.CreateProject(ctx, "main", u.ID, "ak_bench_main_0123456789abcdefghijklmnop")
		if err != nil {
			b.Fatal(err)
		}
		second, err := st.CreateProject(ctx, "second", u.ID, "ak_bench_second_0123456789abcdefghijklmn")
		if err != nil {
			b.Fatal(err)
		}
		began := time.Now()
		big = generate(b, st, main.ID, second.ID)
		b.Logf("generated %d spans in %s", benchSpans+100*benchSpansPerTrace, time.Since(began).Round(time.Second))
	}

	tokens := auth.NewTokens([]byte(testSecret), time.Hour)
	api, err := New(Options{Store: st, Tokens: tokens, PasswordCost: bcrypt.MinCost})
	if err != nil {
		b.Fatal(err)
	}
	defer api.Close()
	tok, _, err := tokens.Issue(u.ID, u.Email, u.IsAdmin)
	if err != nil {
		b.Fatal(err)
	}

	cases := []struct{ name, path string }{
		{"trace_list", "/api/v1/traces"},
		{"trace_list_page_100", "/api/v1/traces?page=100&page_size=50"},
		{"trace_list_errors", "/api/v1/traces?status=error"},
		{"trace_list_by_cost", "/api/v1/traces?sort=cost"},
		{"trace_list_model_range", "/api/v1/traces?model=gemini-1.5-pro&start=2026-03-03T00:00:00Z&end=2026-03-04T00:00:00Z"},
		{"trace_detail_1000_spans", "/api/v1/traces/" + big},
		{"span_detail", "/api/v1/spans/" + fmt.Sprintf("%016x", uint64(1)<<20|5)},
		{"sessions", "/api/v1/sessions"},
		{"alerts", "/api/v1/security/alerts"},
		{"summary_week", "/api/v1/analytics/summary?start=2026-03-01T00:00:00Z&end=2026-03-08T00:00:00Z"},
		{"cost_hourly_week", "/api/v1/analytics/cost?bucket=hour&start=2026-03-01T00:00:00Z&end=2026-03-08T00:00:00Z"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				t0 := time.Now()
				api.ServeHTTP(rec, req)
				lat = append(lat, time.Since(t0))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", c.path, rec.Code, rec.Body.String())
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(percentile(lat, 0.95).Microseconds())/1000, "p95-ms")
		})
	}
}
