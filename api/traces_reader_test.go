package api

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/tracestore"
)

// readerExt serves a trace reader the way agentstack_clickhouse does; here
// a SQLite file stands in for ClickHouse, both hold the tracestore contract.
type readerExt struct {
	component.StartFunc
	component.ShutdownFunc
	r tracestore.Reader
}

func (e readerExt) TraceReader() tracestore.Reader { return e.r }

// An API replica with metadata: and traces: set needs no store extension:
// users and projects come from PostgreSQL, traces from the trace reader.
func TestAPIReplicaWithoutAStore(t *testing.T) {
	ctx := context.Background()
	pgID, pg := startPostgres(t)

	traces, err := store.Open(ctx, filepath.Join(t.TempDir(), "traces.db"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = traces.Close() })
	readerID := component.MustNewID("agentstack_clickhouse")
	h := host{Host: componenttest.NewNopHost(), exts: map[component.ID]component.Component{
		pgID:     pg,
		readerID: readerExt{r: traces},
	}}

	cfg := testConfig(t)
	cfg.Store = component.ID{}
	require.ErrorContains(t, cfg.Validate(), "store: must name")
	cfg.Metadata = pgID
	cfg.Traces = readerID
	require.NoError(t, cfg.Validate(), "metadata and traces together replace the store")
	ext, err := NewFactory().Create(ctx, extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	e := ext.(*apiExtension)
	assert.Equal(t, []component.ID{cfg.Metadata, cfg.Traces}, e.Dependencies())
	require.NoError(t, ext.Start(ctx, h))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(ctx)) })

	call := caller(t, e)
	token := register(t, call, "r@example.com")
	code, body := call("POST", "/api/v1/projects", token, `{"name":"replica"}`)
	require.Equal(t, http.StatusCreated, code, string(body))
	var created struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	require.NoError(t, json.Unmarshal(body, &created))

	_, err = traces.WriteBatch(ctx, store.Batch{Spans: []store.Span{{ProjectID: created.Project.ID, TraceID: "4bf92f3577b34da6a3ce929d0e0e4736",
		SpanID: "00f067aa0ba902b7", Name: "from.the.reader", StartNs: 1, EndNs: 2, StatusCode: "OK"}}})
	require.NoError(t, err)
	code, body = call("GET", "/api/v1/traces?project_id="+created.Project.ID, token, "")
	require.Equal(t, http.StatusOK, code, string(body))
	assert.Contains(t, string(body), "from.the.reader", "the trace list comes from the traces: extension")
	code, _ = call("GET", "/api/v1/health", "", "")
	assert.Equal(t, http.StatusOK, code)
}
