// Package keycache is a bounded, TTL-expiring cache of API key digest to
// project lookups. Misses are cached too (with their own TTL) so that a
// client hammering with a bad key costs one database read per TTL, and a
// revoked or rotated key stops working once its entry expires.
package keycache

import (
	"container/list"
	"sync"
	"time"

	"github.com/agentstack/agentstack/internal/apikey"
)

// Cache is safe for concurrent use.
type Cache struct {
	mu          sync.Mutex
	size        int
	ttl         time.Duration
	negativeTTL time.Duration
	now         func() time.Time
	order       *list.List // front = most recently used
	items       map[apikey.Digest]*list.Element
}

type entry struct {
	digest    apikey.Digest
	projectID string // "" for a cached miss
	expires   time.Time
}

// New returns a cache of at most size entries.
func New(size int, ttl, negativeTTL time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{size: size, ttl: ttl, negativeTTL: negativeTTL, now: now, order: list.New(), items: make(map[apikey.Digest]*list.Element)}
}

// Get returns (projectID, found-in-cache). A cached miss returns ("", true).
func (c *Cache) Get(d apikey.Digest) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[d]
	if !ok {
		return "", false
	}
	e := el.Value.(*entry)
	if !c.now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.items, d)
		return "", false
	}
	c.order.MoveToFront(el)
	return e.projectID, true
}

// Put records a lookup result; projectID "" records a miss.
func (c *Cache) Put(d apikey.Digest, projectID string) {
	if c.size <= 0 {
		return
	}
	ttl := c.ttl
	if projectID == "" {
		ttl = c.negativeTTL
	}
	if ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(ttl)
	if el, ok := c.items[d]; ok {
		e := el.Value.(*entry)
		e.projectID, e.expires = projectID, exp
		c.order.MoveToFront(el)
		return
	}
	c.items[d] = c.order.PushFront(&entry{digest: d, projectID: projectID, expires: exp})
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*entry).digest)
	}
}

// Len is the number of entries held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
