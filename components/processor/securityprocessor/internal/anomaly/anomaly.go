// Package anomaly keeps per-series running statistics (Welford) of span
// duration, tokens and cost, and per-project error-rate windows, and reports
// values that stand out. Memory is bounded: series live in sharded LRU maps.
package anomaly

import (
	"container/list"
	"hash/maphash"
	"math"
	"sync"
	"time"
)

// Metric names a tracked quantity.
type Metric int

// Tracked metrics.
const (
	Duration Metric = iota
	Tokens
	Cost
	numMetrics
)

func (m Metric) String() string {
	switch m {
	case Duration:
		return "duration"
	case Tokens:
		return "tokens"
	case Cost:
		return "cost"
	}
	return "unknown"
}

// Config tunes a Detector.
type Config struct {
	// ZScore is how many standard deviations above the mean is anomalous.
	ZScore float64
	// Warmup is how many observations a series needs before it can flag.
	Warmup int
	// MaxSeries bounds the number of (project, span name) series kept.
	MaxSeries int
	// Horizon caps the weight of history: after Horizon observations each new
	// value weighs 1/Horizon, so the baseline follows slow drifts.
	Horizon int
	// MinRelStd is a floor on the deviation, relative to the mean, so that a
	// series of near-identical values does not flag a 1% change.
	MinRelStd float64

	ErrorWindow    time.Duration
	ErrorThreshold float64
	ErrorMinCount  int
	MaxProjects    int
}

// Observation is what one span contributes. NaN marks an absent value.
type Observation struct {
	Project, Name string
	Values        [numMetrics]float64
	Error         bool
	Time          time.Time
}

// NewObservation returns an observation with every metric absent.
func NewObservation(project, name string, t time.Time) Observation {
	o := Observation{Project: project, Name: name, Time: t}
	for i := range o.Values {
		o.Values[i] = math.NaN()
	}
	return o
}

// Outlier is a metric value past the threshold.
type Outlier struct {
	Metric     Metric
	Value      float64
	Mean, Std  float64
	Z          float64
	Count      int
	ErrorBurst bool
	// For error bursts: errors and total in the window.
	Errors, Total int
}

// Welford is a running mean and variance.
type Welford struct {
	N    float64
	Mean float64
	M2   float64
}

// Add folds x in. With horizon > 0 the count stops growing at horizon,
// which turns the cumulative mean into an exponentially weighted one.
func (w *Welford) Add(x float64, horizon int) {
	if horizon > 0 && w.N >= float64(horizon) {
		w.M2 *= (w.N - 1) / w.N
		w.N--
	}
	w.N++
	d := x - w.Mean
	w.Mean += d / w.N
	w.M2 += d * (x - w.Mean)
}

// Std is the sample standard deviation.
func (w *Welford) Std() float64 {
	if w.N < 2 {
		return 0
	}
	return math.Sqrt(w.M2 / (w.N - 1))
}

type series struct {
	key   string
	stats [numMetrics]Welford
}

type project struct {
	key     string
	buckets []bucket
	// alertedUntil suppresses repeated burst alerts within one window.
	alertedUntil time.Time
}

type bucket struct {
	second       int64
	total, error int
}

const shards = 16

type shard struct {
	mu       sync.Mutex
	lru      *list.List
	items    map[string]*list.Element
	projects *list.List
	projIdx  map[string]*list.Element
}

// Detector is safe for concurrent use.
type Detector struct {
	cfg    Config
	seed   maphash.Seed
	shards [shards]shard
}

// New returns a Detector.
func New(cfg Config) *Detector {
	if cfg.Horizon <= 0 {
		cfg.Horizon = 1000
	}
	if cfg.MaxSeries < shards {
		cfg.MaxSeries = shards
	}
	if cfg.MaxProjects < shards {
		cfg.MaxProjects = shards
	}
	d := &Detector{cfg: cfg, seed: maphash.MakeSeed()}
	for i := range d.shards {
		d.shards[i].lru = list.New()
		d.shards[i].items = map[string]*list.Element{}
		d.shards[i].projects = list.New()
		d.shards[i].projIdx = map[string]*list.Element{}
	}
	return d
}

// Len is the number of series held, for tests of the memory bound.
func (d *Detector) Len() int {
	n := 0
	for i := range d.shards {
		d.shards[i].mu.Lock()
		n += d.shards[i].lru.Len()
		d.shards[i].mu.Unlock()
	}
	return n
}

// Observe tests o against its series and then folds it in. It returns the
// outliers found, including an error burst for the project.
func (d *Detector) Observe(o Observation, out []Outlier) []Outlier {
	// The series key is project NUL name, built on the stack: a known
	// series is found without allocating it (maphash.Bytes hashes as
	// maphash.String of the same bytes).
	var keyBuf [128]byte
	key := append(append(append(keyBuf[:0], o.Project...), 0), o.Name...)
	sh := &d.shards[maphash.Bytes(d.seed, key)%shards]
	sh.mu.Lock()
	s := sh.series(key, d.cfg.MaxSeries/shards)
	for m := Metric(0); m < numMetrics; m++ {
		x := o.Values[m]
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		w := &s.stats[m]
		if int(w.N) >= d.cfg.Warmup && w.N >= 2 {
			std := math.Max(w.Std(), d.cfg.MinRelStd*math.Abs(w.Mean))
			if std > 0 {
				if z := (x - w.Mean) / std; z >= d.cfg.ZScore {
					out = append(out, Outlier{Metric: m, Value: x, Mean: w.Mean, Std: std, Z: z, Count: int(w.N)})
				}
			}
		}
		w.Add(x, d.cfg.Horizon)
	}
	sh.mu.Unlock()

	if d.cfg.ErrorWindow > 0 && d.cfg.ErrorMinCount > 0 {
		psh := &d.shards[maphash.String(d.seed, o.Project)%shards]
		psh.mu.Lock()
		if b, ok := d.errorBurst(psh, o); ok {
			out = append(out, b)
		}
		psh.mu.Unlock()
	}
	return out
}

func (sh *shard) series(key []byte, capacity int) *series {
	if el, ok := sh.items[string(key)]; ok {
		sh.lru.MoveToFront(el)
		return el.Value.(*series)
	}
	if sh.lru.Len() >= capacity {
		old := sh.lru.Back()
		sh.lru.Remove(old)
		delete(sh.items, old.Value.(*series).key)
	}
	s := &series{key: string(key)}
	sh.items[s.key] = sh.lru.PushFront(s)
	return s
}

// errorBurst keeps one bucket per second over the window.
func (d *Detector) errorBurst(sh *shard, o Observation) (Outlier, bool) {
	var p *project
	if el, ok := sh.projIdx[o.Project]; ok {
		sh.projects.MoveToFront(el)
		p = el.Value.(*project)
	} else {
		if sh.projects.Len() >= d.cfg.MaxProjects/shards {
			old := sh.projects.Back()
			sh.projects.Remove(old)
			delete(sh.projIdx, old.Value.(*project).key)
		}
		nb := int(d.cfg.ErrorWindow / time.Second)
		if nb < 1 {
			nb = 1
		}
		p = &project{key: o.Project, buckets: make([]bucket, nb)}
		sh.projIdx[o.Project] = sh.projects.PushFront(p)
	}
	sec := o.Time.Unix()
	b := &p.buckets[int(sec%int64(len(p.buckets)))]
	if b.second != sec {
		*b = bucket{second: sec}
	}
	b.total++
	if o.Error {
		b.error++
	}
	if !o.Error || o.Time.Before(p.alertedUntil) {
		return Outlier{}, false
	}
	total, errs := 0, 0
	for _, x := range p.buckets {
		if sec-x.second < int64(len(p.buckets)) && x.second <= sec {
			total += x.total
			errs += x.error
		}
	}
	if total < d.cfg.ErrorMinCount || float64(errs) < d.cfg.ErrorThreshold*float64(total) {
		return Outlier{}, false
	}
	p.alertedUntil = o.Time.Add(d.cfg.ErrorWindow)
	return Outlier{ErrorBurst: true, Errors: errs, Total: total, Value: float64(errs) / float64(total)}, true
}
