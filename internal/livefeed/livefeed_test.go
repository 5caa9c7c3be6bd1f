package livefeed

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func spanEvent(project, id string) Event {
	return Event{Kind: KindSpan, ProjectID: project, Span: &store.Span{ProjectID: project, SpanID: id}}
}

func TestDeliversOnlyTheSubscribedProjects(t *testing.T) {
	h := NewHub()
	a := h.Subscribe([]string{"p1"}, 8)
	b := h.Subscribe([]string{"p2"}, 8)
	defer a.Close()
	defer b.Close()

	h.Publish([]Event{spanEvent("p1", "s1"), spanEvent("p2", "s2"), spanEvent("p3", "s3")})
	require.Len(t, a.Events(), 1)
	assert.Equal(t, "s1", (<-a.Events()).Span.SpanID)
	require.Len(t, b.Events(), 1)
	assert.Equal(t, "s2", (<-b.Events()).Span.SpanID)

	b.SetProjects([]string{"p1", "p3"})
	h.Publish([]Event{spanEvent("p3", "s4")})
	assert.Empty(t, a.Events())
	assert.Equal(t, "s4", (<-b.Events()).Span.SpanID)
}

func TestSlowSubscriberIsDroppedWithoutBlocking(t *testing.T) {
	h := NewHub()
	slow := h.Subscribe([]string{"p"}, 2)
	fast := h.Subscribe([]string{"p"}, 1000)
	defer fast.Close()

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 500; i++ {
			h.Publish([]Event{spanEvent("p", "x")})
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	assert.True(t, slow.Dropped())
	assert.False(t, fast.Dropped())
	n := 0
	for range slow.Events() { // closed after the two buffered events
		n++
	}
	assert.Equal(t, 2, n)
	assert.Len(t, fast.Events(), 500)
	assert.Equal(t, uint64(1), h.DroppedSubscribers())
	assert.Equal(t, 1, h.Subscribers())
}

func TestCloseEndsSubscriptions(t *testing.T) {
	h := NewHub()
	s := h.Subscribe([]string{"p"}, 1)
	s.Close()
	s.Close()
	_, open := <-s.Events()
	assert.False(t, open)
	assert.False(t, s.Dropped())

	s2 := h.Subscribe([]string{"p"}, 1)
	h.Close()
	_, open = <-s2.Events()
	assert.False(t, open)
	_, open = <-h.Subscribe([]string{"p"}, 1).Events()
	assert.False(t, open, "a subscription to a closed hub starts closed")
	h.Publish([]Event{spanEvent("p", "x")}) // must not panic
}

func TestFromWrite(t *testing.T) {
	sp := &store.Span{ProjectID: "p", SpanID: "s"}
	al := &store.Alert{ProjectID: "p", ID: "a"}
	ev := FromWrite(store.WriteResult{NewSpans: []*store.Span{sp}, NewAlerts: []*store.Alert{al}})
	require.Len(t, ev, 2)
	assert.Equal(t, Event{Kind: KindSpan, ProjectID: "p", Span: sp}, ev[0])
	assert.Equal(t, Event{Kind: KindAlert, ProjectID: "p", Alert: al}, ev[1])
	assert.Nil(t, FromWrite(store.WriteResult{}))
}
