package agentstackreceiver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/extension/extensionauth"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/goleak"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/tenancy"
	"github.com/agentstack/agentstack/internal/testhost"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// keyAuth accepts the key "ak_good" for project "p1".
type keyAuth struct {
	component.StartFunc
	component.ShutdownFunc
}

func (keyAuth) Authenticate(ctx context.Context, h map[string][]string) (context.Context, error) {
	if v := h["X-Api-Key"]; len(v) == 1 && v[0] == "ak_good" {
		return tenancy.NewContext(ctx, "p1"), nil
	}
	return ctx, errors.New("invalid API key")
}

var _ extensionauth.Server = keyAuth{}

func newTestReceiver(t *testing.T, next consumer.Traces) http.Handler {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	r, err := newReceiver(cfg, receivertest.NewNopSettings(Type))
	require.NoError(t, err)
	r.nextTraces = next
	r.auth = keyAuth{}
	r.ready.Store(true)
	return r.routes()
}

const span = `{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"n","start_time":1,"end_time":2}`

func do(h http.Handler, body string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/v1/traces", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestStampsTheProjectFromTheKey(t *testing.T) {
	sink := &consumertest.TracesSink{}
	w := do(newTestReceiver(t, sink), span, "X-Api-Key", "ak_good")
	require.Equal(t, http.StatusAccepted, w.Code, w.Body.String())
	require.Len(t, sink.AllTraces(), 1)
	v, ok := sink.AllTraces()[0].ResourceSpans().At(0).Resource().Attributes().Get(semconv.ProjectID)
	require.True(t, ok)
	assert.Equal(t, "p1", v.Str())
}

func TestPipelineErrorsBecomeRetryableStatuses(t *testing.T) {
	cases := map[string]struct {
		err        error
		status     int
		retryAfter bool
	}{
		"store down":       {errors.New("database is locked"), http.StatusServiceUnavailable, true},
		"memory limiter":   {errors.New("data refused due to high memory usage"), http.StatusTooManyRequests, true},
		"resource status":  {status.Error(codes.ResourceExhausted, "queue full"), http.StatusTooManyRequests, true},
		"queue full":       {fmt.Errorf("export: %w", exporterhelper.ErrQueueIsFull), http.StatusTooManyRequests, true},
		"permanent":        {consumererror.NewPermanent(errors.New("bad")), http.StatusInternalServerError, false},
		"unavailable code": {status.Error(codes.Unavailable, "later"), http.StatusServiceUnavailable, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := do(newTestReceiver(t, consumertest.NewErr(tc.err)), span, "X-Api-Key", "ak_good")
			assert.Equal(t, tc.status, w.Code, w.Body.String())
			assert.Equal(t, tc.retryAfter, w.Header().Get("Retry-After") != "")
			assert.Contains(t, w.Body.String(), `"error":{"code"`)
		})
	}
}

func TestRefusalsReachNoConsumer(t *testing.T) {
	sink := &consumertest.TracesSink{}
	h := newTestReceiver(t, sink)
	assert.Equal(t, http.StatusUnauthorized, do(h, span).Code)
	assert.Equal(t, http.StatusUnauthorized, do(h, span, "X-Api-Key", "ak_bad").Code)
	assert.Equal(t, http.StatusBadRequest, do(h, `{"spans":[`, "X-Api-Key", "ak_good").Code)
	assert.Equal(t, http.StatusBadRequest, do(h, `[{"name":1}]`, "X-Api-Key", "ak_good").Code)
	assert.Equal(t, http.StatusUnsupportedMediaType, do(h, span, "X-Api-Key", "ak_good", "Content-Type", "text/csv").Code)
	assert.Equal(t, 0, sink.SpanCount())

	w := do(h, `{"resourceSpans":[]}`, "X-Api-Key", "ak_good")
	assert.Equal(t, http.StatusOK, w.Code, "an empty OTLP JSON export is fine")
	assert.JSONEq(t, `{"partialSuccess":{}}`, w.Body.String())
}

func TestReadyFollowsTheLifecycle(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	r, err := newReceiver(cfg, receivertest.NewNopSettings(Type))
	require.NoError(t, err)
	r.nextTraces = consumertest.NewNop()
	h := r.routes()
	get := func(p string) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, p, nil))
		return w.Code
	}
	assert.Equal(t, http.StatusServiceUnavailable, get("/ready"), "not ready before Start")
	assert.Equal(t, http.StatusOK, get("/health"))
	assert.Equal(t, http.StatusNotFound, get("/v2/nothing"))

	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	host := testhost.Host{cfg.Authenticator: keyAuth{}}
	require.NoError(t, r.Start(context.Background(), host))
	assert.Equal(t, http.StatusOK, get("/ready"))
	require.NoError(t, r.Shutdown(context.Background()))
	assert.Equal(t, http.StatusServiceUnavailable, get("/ready"), "not ready once shutting down")
}

func TestConfigValidation(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, cfg.Validate())
	cfg.NetAddr.Endpoint = ""
	cfg.Authenticator = component.ID{}
	cfg.MaxRequestBodySize = -1
	err := cfg.Validate()
	require.Error(t, err)
	for _, f := range []string{"endpoint:", "authenticator:", "max_request_body_size:"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.EqualValues(t, 5<<20, createDefaultConfig().(*Config).MaxRequestBodySize)
}
