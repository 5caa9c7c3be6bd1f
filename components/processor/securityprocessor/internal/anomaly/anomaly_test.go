package anomaly

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestWelfordMatchesTwoPass(t *testing.T) {
	xs := []float64{12, 15, 9, 30, 22, 18, 11, 14, 16, 20}
	var w Welford
	for _, x := range xs {
		w.Add(x, 0)
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	assert.InDelta(t, mean, w.Mean, 1e-9)
	assert.InDelta(t, math.Sqrt(ss/float64(len(xs)-1)), w.Std(), 1e-9)
}

func TestWelfordHorizonForgets(t *testing.T) {
	var w Welford
	for range 1000 {
		w.Add(100, 50)
	}
	for range 500 {
		w.Add(200, 50)
	}
	assert.Equal(t, 50.0, w.N)
	assert.InDelta(t, 200, w.Mean, 1, "after ten horizons the old level is forgotten")
}

func cfg() Config {
	return Config{ZScore: 3, Warmup: 10, MaxSeries: 1000, MinRelStd: 0.05}
}

func obs(project, name string, dur float64) Observation {
	o := NewObservation(project, name, time.Unix(1000, 0))
	o.Values[Duration] = dur
	return o
}

func TestOutlierAfterWarmup(t *testing.T) {
	d := New(cfg())
	// A spike during warm-up is not reported.
	for i := range 9 {
		v := 100.0 + float64(i%3)
		if i == 5 {
			v = 10000
		}
		assert.Empty(t, d.Observe(obs("p", "warm", v), nil), "warm-up observation %d", i)
	}
	for i := range 40 {
		assert.Empty(t, d.Observe(obs("p", "llm", 100+float64(i%5)), nil))
	}
	out := d.Observe(obs("p", "llm", 400), nil)
	require.Len(t, out, 1)
	assert.Equal(t, Duration, out[0].Metric)
	assert.Greater(t, out[0].Z, 3.0)
	// Another series is independent.
	assert.Empty(t, d.Observe(obs("p", "other", 400), nil))
	// Faster than usual is not an anomaly worth an alert.
	assert.Empty(t, d.Observe(obs("p", "llm", 1), nil))
}

func TestTokensAndCostTracked(t *testing.T) {
	d := New(cfg())
	for i := range 30 {
		o := NewObservation("p", "chat", time.Unix(1000, 0))
		o.Values[Tokens] = 500 + float64(i%7)
		o.Values[Cost] = 0.01 + float64(i%3)*0.001
		assert.Empty(t, d.Observe(o, nil))
	}
	o := NewObservation("p", "chat", time.Unix(1000, 0))
	o.Values[Tokens] = 50000
	o.Values[Cost] = 0.011
	out := d.Observe(o, nil)
	require.Len(t, out, 1)
	assert.Equal(t, Tokens, out[0].Metric)
}

func TestMinRelativeStdSuppressesJitter(t *testing.T) {
	d := New(cfg())
	for range 50 {
		d.Observe(obs("p", "flat", 1000), nil)
	}
	assert.Empty(t, d.Observe(obs("p", "flat", 1010), nil), "1% over a constant series")
	assert.NotEmpty(t, d.Observe(obs("p", "flat", 1200), nil), "20% over a constant series")
}

func TestSeriesBounded(t *testing.T) {
	c := cfg()
	c.MaxSeries = 64
	d := New(c)
	for i := range 10000 {
		d.Observe(obs("p", fmt.Sprintf("span-%d", i), 10), nil)
	}
	assert.LessOrEqual(t, d.Len(), 64)
	assert.Positive(t, d.Len())
}

func TestErrorBurst(t *testing.T) {
	c := cfg()
	c.ErrorWindow, c.ErrorThreshold, c.ErrorMinCount = 60*time.Second, 0.5, 10
	d := New(c)
	at := time.Unix(10_000, 0)
	send := func(project string, isErr bool, when time.Time) []Outlier {
		o := NewObservation(project, "op", when)
		o.Error = isErr
		return d.Observe(o, nil)
	}
	for i := range 10 {
		assert.Empty(t, send("p", false, at.Add(time.Duration(i)*time.Second)))
	}
	var bursts int
	for i := range 12 {
		for _, o := range send("p", true, at.Add(time.Duration(10+i)*time.Second)) {
			if o.ErrorBurst {
				bursts++
				assert.GreaterOrEqual(t, o.Value, 0.5)
			}
		}
	}
	assert.Equal(t, 1, bursts, "one alert per window, not one per failing span")
	// Other projects are unaffected.
	assert.Empty(t, send("q", true, at.Add(20*time.Second)))
	// Long after, old buckets have expired: a lone error is no burst.
	assert.Empty(t, send("p", true, at.Add(10*time.Minute)))
}

func TestConcurrentObserve(t *testing.T) {
	d := New(cfg())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				d.Observe(obs(fmt.Sprint("p", g%2), fmt.Sprint("s", i%50), float64(100+i%10)), nil)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 100, d.Len())
}

// TestSeriesKeyed: a series is found by project and name together, with
// keys longer than the stack buffer too, and a known one costs no allocation.
func TestSeriesKeyed(t *testing.T) {
	d := New(cfg())
	long := strings.Repeat("n", 300)
	for i := range 20 {
		for _, p := range [][2]string{{"p", "ab"}, {"pa", "b"}, {"p", long}, {long, "p"}} {
			d.Observe(obs(p[0], p[1], 100+float64(i%3)), nil)
		}
	}
	assert.Equal(t, 4, d.Len())
	for _, p := range [][2]string{{"p", "ab"}, {"pa", "b"}, {"p", long}, {long, "p"}} {
		out := d.Observe(obs(p[0], p[1], 1000), nil)
		require.Len(t, out, 1, "%q", p)
		assert.Equal(t, 20, out[0].Count, "%q", p)
	}
	o := obs("p", "ab", 101)
	assert.Zero(t, testing.AllocsPerRun(100, func() { d.Observe(o, nil) }))
}
