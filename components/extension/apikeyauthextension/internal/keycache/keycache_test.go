package keycache

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/apikey"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestHitsMissesAndExpiry(t *testing.T) {
	clk := &clock{t: time.Unix(1000, 0)}
	c := New(10, 5*time.Second, time.Second, clk.now)
	good, bad := apikey.Sum("ak_good"), apikey.Sum("ak_bad")

	_, ok := c.Get(good)
	assert.False(t, ok)
	c.Put(good, "p1")
	c.Put(bad, "")
	id, ok := c.Get(good)
	assert.True(t, ok)
	assert.Equal(t, "p1", id)
	id, ok = c.Get(bad)
	assert.True(t, ok, "a miss is cached")
	assert.Equal(t, "", id)

	clk.t = clk.t.Add(1500 * time.Millisecond)
	_, ok = c.Get(bad)
	assert.False(t, ok, "a cached miss expires after negative_ttl")
	_, ok = c.Get(good)
	assert.True(t, ok)

	clk.t = clk.t.Add(4 * time.Second)
	_, ok = c.Get(good)
	assert.False(t, ok, "a hit expires after ttl, so a rotated key stops working")
	assert.Equal(t, 0, c.Len())
}

func TestBoundedByLeastRecentlyUsed(t *testing.T) {
	c := New(3, time.Minute, time.Minute, nil)
	keys := []apikey.Digest{apikey.Sum("a"), apikey.Sum("b"), apikey.Sum("c"), apikey.Sum("d")}
	for i, k := range keys[:3] {
		c.Put(k, string(rune('a'+i)))
	}
	c.Get(keys[0]) // a is now the most recently used
	c.Put(keys[3], "d")
	assert.Equal(t, 3, c.Len())
	_, ok := c.Get(keys[1])
	assert.False(t, ok, "b was the least recently used and went")
	for _, k := range []apikey.Digest{keys[0], keys[2], keys[3]} {
		_, ok := c.Get(k)
		assert.True(t, ok)
	}
	for i := 0; i < 1000; i++ {
		c.Put(apikey.Sum(string(rune(i))), "x")
	}
	assert.Equal(t, 3, c.Len(), "however many keys arrive")
}

func TestZeroSizeOrTTLDisablesCaching(t *testing.T) {
	for _, c := range []*Cache{New(0, time.Minute, time.Minute, nil), New(5, 0, 0, nil)} {
		c.Put(apikey.Sum("a"), "p")
		c.Put(apikey.Sum("b"), "")
		assert.Equal(t, 0, c.Len())
	}
}
