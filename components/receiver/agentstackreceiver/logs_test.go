package agentstackreceiver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/testhost"
)

func TestTracesAndLogsShareOneReceiver(t *testing.T) {
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	set := receivertest.NewNopSettings(Type)
	tr, err := f.CreateTraces(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	lr, err := f.CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.Same(t, tr.(*agentstackReceiver), lr.(*agentstackReceiver), "one server per config, as one port")

	other := f.CreateDefaultConfig().(*Config)
	or, err := f.CreateTraces(context.Background(), set, other, consumertest.NewNop())
	require.NoError(t, err)
	assert.NotSame(t, tr.(*agentstackReceiver), or.(*agentstackReceiver))

	host := testhost.Host{cfg.Authenticator: keyAuth{}}
	require.NoError(t, tr.Start(context.Background(), host))
	require.NoError(t, lr.Start(context.Background(), host))
	r := tr.(*agentstackReceiver)
	require.NoError(t, tr.Shutdown(context.Background()))
	assert.True(t, r.ready.Load(), "still serving the logs pipeline")
	require.NoError(t, lr.Shutdown(context.Background()))
	assert.False(t, r.ready.Load())
}

func logsBody(t *testing.T) []byte {
	t.Helper()
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(semconv.ProjectID, "forged")
	rec := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	rec.Attributes().PutStr("event.name", "gen_ai.user.message")
	rec.Body().SetEmptyMap().PutStr("content", "hello")
	b, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	require.NoError(t, err)
	return b
}

func TestLogsAreStampedAndAnswered(t *testing.T) {
	sink := &consumertest.LogsSink{}
	cfg := createDefaultConfig().(*Config)
	r, err := newReceiver(cfg, receivertest.NewNopSettings(Type))
	require.NoError(t, err)
	r.auth = keyAuth{}
	r.nextLogs = sink
	h := r.routes()

	req := httptest.NewRequest(http.MethodPost, "/v1/logs", strings.NewReader(string(logsBody(t))))
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("X-Api-Key", "ak_good")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "application/x-protobuf", w.Header().Get("Content-Type"))
	require.Equal(t, 1, sink.LogRecordCount())
	v, _ := sink.AllLogs()[0].ResourceLogs().At(0).Resource().Attributes().Get(semconv.ProjectID)
	assert.Equal(t, "p1", v.Str())

	req = httptest.NewRequest(http.MethodPost, "/v1/logs", strings.NewReader(string(logsBody(t))))
	req.Header.Set("Content-Type", "application/x-protobuf")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Equal(t, 1, sink.LogRecordCount())
}

func TestMetricsAndLogsWithoutAPipelineAreRefusedClearly(t *testing.T) {
	h := newTestReceiver(t, consumertest.NewNop()) // traces only
	for path, want := range map[string]string{
		"/v1/metrics": "not metrics",
		"/v1/logs":    "no logs pipeline",
	} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", "ak_good")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		assert.Equal(t, http.StatusNotFound, w.Code, path)
		assert.Contains(t, w.Body.String(), want, path)
	}
}
