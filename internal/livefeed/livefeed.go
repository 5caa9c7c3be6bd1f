// Package livefeed fans newly stored spans and alerts out to live
// subscribers (the API's WebSocket clients). The in-process Hub is the
// embedded default; Publisher and Source are interfaces so that a feed
// backed by Redis streams can take its place when the API runs in replicas.
package livefeed

import (
	"sync"
	"sync/atomic"

	"github.com/agentstack/agentstack/internal/store"
)

// Kind says what an Event carries.
type Kind string

// Kinds of events.
const (
	KindSpan  Kind = "span"
	KindAlert Kind = "alert"
)

// Event is one stored span or alert. Subscribers must treat the pointed-to
// value as read-only: it is shared between them.
type Event struct {
	Kind      Kind
	ProjectID string
	Span      *store.Span
	Alert     *store.Alert
}

// Publisher takes events after they have been committed. Publish must never
// block the caller (ingestion) on a subscriber.
type Publisher interface {
	Publish(events []Event)
}

// Source hands out subscriptions.
type Source interface {
	// Subscribe returns a subscription to the events of the given projects,
	// buffered to buffer events.
	Subscribe(projectIDs []string, buffer int) Subscription
}

// Subscription delivers the events of a set of projects.
type Subscription interface {
	// Events is closed when the subscription is closed or dropped.
	Events() <-chan Event
	// SetProjects replaces the set of projects whose events are delivered.
	SetProjects(projectIDs []string)
	// Dropped reports whether the subscription was dropped for falling
	// behind (rather than closed by its owner).
	Dropped() bool
	// Close ends the subscription; it is safe to call more than once.
	Close()
}

// Feed is both ends.
type Feed interface {
	Publisher
	Source
}

// FromWrite turns what a store write inserted into events, spans first.
func FromWrite(res store.WriteResult) []Event {
	if len(res.NewSpans) == 0 && len(res.NewAlerts) == 0 {
		return nil
	}
	out := make([]Event, 0, len(res.NewSpans)+len(res.NewAlerts))
	for _, sp := range res.NewSpans {
		out = append(out, Event{Kind: KindSpan, ProjectID: sp.ProjectID, Span: sp})
	}
	for _, a := range res.NewAlerts {
		out = append(out, Event{Kind: KindAlert, ProjectID: a.ProjectID, Alert: a})
	}
	return out
}

// Hub is the in-process Feed. A subscriber whose buffer is full when an
// event arrives is dropped at once (its channel closed), so a slow client
// costs ingestion nothing but a failed non-blocking send.
type Hub struct {
	mu      sync.RWMutex
	subs    map[*subscription]struct{}
	closed  bool
	dropped atomic.Uint64
}

var _ Feed = (*Hub)(nil)

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: make(map[*subscription]struct{})}
}

type subscription struct {
	hub      *Hub
	ch       chan Event
	projects atomic.Pointer[map[string]struct{}]
	dropped  atomic.Bool
	once     sync.Once
}

// Subscribe implements Source. On a closed hub the subscription's channel
// is closed already.
func (h *Hub) Subscribe(projectIDs []string, buffer int) Subscription {
	if buffer < 1 {
		buffer = 1
	}
	s := &subscription{hub: h, ch: make(chan Event, buffer)}
	s.SetProjects(projectIDs)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.once.Do(func() { close(s.ch) })
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

// Publish implements Publisher.
func (h *Hub) Publish(events []Event) {
	if len(events) == 0 {
		return
	}
	var slow []*subscription
	h.mu.RLock()
	for s := range h.subs {
		projects := *s.projects.Load()
		for i := range events {
			if _, ok := projects[events[i].ProjectID]; !ok {
				continue
			}
			select {
			case s.ch <- events[i]:
				continue
			default:
			}
			slow = append(slow, s)
			break
		}
	}
	h.mu.RUnlock()
	for _, s := range slow {
		s.dropped.Store(true)
		h.remove(s)
		h.dropped.Add(1)
	}
}

// DroppedSubscribers counts the subscriptions dropped for falling behind.
func (h *Hub) DroppedSubscribers() uint64 { return h.dropped.Load() }

// Subscribers counts the live subscriptions.
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs)
}

// Close ends every subscription; later ones start closed.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		s.once.Do(func() { close(s.ch) })
	}
}

// remove unregisters s and closes its channel. Sends happen under the read
// lock, so closing under the write lock never races with one.
func (h *Hub) remove(s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
	s.once.Do(func() { close(s.ch) })
}

func (s *subscription) Events() <-chan Event { return s.ch }

func (s *subscription) SetProjects(projectIDs []string) {
	m := make(map[string]struct{}, len(projectIDs))
	for _, id := range projectIDs {
		m[id] = struct{}{}
	}
	s.projects.Store(&m)
}

func (s *subscription) Dropped() bool { return s.dropped.Load() }

func (s *subscription) Close() { s.hub.remove(s) }
