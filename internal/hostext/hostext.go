// Package hostext holds the typed interfaces through which AgentStack's
// components find each other among the collector's extensions, as Jaeger
// v2's storage and query extensions do, instead of through globals.
package hostext

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/metastore"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/tracestore"
)

// KeyResolver maps an API key digest to its project id, returning
// store.ErrNotFound for an unknown key.
type KeyResolver interface {
	ProjectIDByKeyDigest(ctx context.Context, d apikey.Digest) (string, error)
}

// StoreProvider is implemented by the embedded store extension.
type StoreProvider interface {
	component.Component
	Store() *store.Store
}

// MetadataProvider is implemented by extensions that hold users, projects
// and key digests apart from the spans (agentstack_postgres), so that API
// replicas and gateways can share them.
type MetadataProvider interface {
	component.Component
	MetadataStore() metastore.Store
}

// TraceReaderProvider is implemented by extensions that read stored traces
// apart from the embedded store (agentstack_clickhouse), for API replicas.
type TraceReaderProvider interface {
	component.Component
	TraceReader() tracestore.Reader
}

// LiveFeedProvider is implemented by the extension that owns the live feed
// of stored spans and alerts (the embedded store extension): the store
// exporter publishes to it, the API subscribes to it.
type LiveFeedProvider interface {
	component.Component
	LiveFeed() livefeed.Feed
}

// Find returns the extension id as T, with an error that says what is
// missing or what it is instead.
func Find[T any](host component.Host, id component.ID) (T, error) {
	var zero T
	ext, ok := host.GetExtensions()[id]
	if !ok {
		return zero, fmt.Errorf("extension %q is not configured: add it under extensions and to service.extensions", id)
	}
	t, ok := ext.(T)
	if !ok {
		return zero, fmt.Errorf("extension %q (%T) does not provide %T", id, ext, (*T)(nil))
	}
	return t, nil
}
