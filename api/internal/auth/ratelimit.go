package auth

import (
	"math"
	"sync"
	"time"
)

// Limiter is a token bucket per client address: each holds up to burst
// tokens and regains perMinute of them a minute.
type Limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	rate    float64 // tokens per second
	burst   float64
	now     func() time.Time
	// maxClients bounds memory: past it, buckets that have refilled
	// completely (idle clients) are forgotten.
	maxClients int
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter returns a limiter allowing perMinute requests a minute per
// client, in bursts of up to perMinute.
func NewLimiter(perMinute int) *Limiter {
	return &Limiter{
		buckets:    make(map[string]*bucket),
		rate:       float64(perMinute) / 60,
		burst:      float64(perMinute),
		now:        time.Now,
		maxClients: 10000,
	}
}

// Allow takes a token for client; when none is left it returns false and
// how long until one is.
func (l *Limiter) Allow(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= l.maxClients {
			l.forgetIdle(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

func (l *Limiter) forgetIdle(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
