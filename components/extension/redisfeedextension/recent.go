package redisfeedextension

// recent remembers the last n keys, to drop the copies of spans and alerts
// that an exporter retry adds to the streams (the embedded feed publishes
// only what the store newly inserted). Used by the read loop only.
type recent struct {
	keys map[string]struct{}
	ring []string
	next int
}

func newRecent(n int) *recent {
	if n <= 0 {
		return nil
	}
	return &recent{keys: make(map[string]struct{}, n), ring: make([]string, n)}
}

// seen reports whether key is among the last n keys, and remembers it.
func (r *recent) seen(key string) bool {
	if r == nil {
		return false
	}
	if _, ok := r.keys[key]; ok {
		return true
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.keys, old)
	}
	r.ring[r.next] = key
	r.keys[key] = struct{}{}
	r.next = (r.next + 1) % len(r.ring)
	return false
}
