package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/crypto/bcrypt"

	"github.com/agentstack/agentstack/api/internal/auth"
	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testSecret = "handler-tests-secret-0123456789abcdef"

type env struct {
	t   *testing.T
	st  *store.Store
	hub *livefeed.Hub
	api *API
	srv *httptest.Server
}

func newEnv(t *testing.T, mutate ...func(*Options)) *env {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "agentstack.db"), store.Options{})
	require.NoError(t, err)
	hub := livefeed.NewHub()
	opts := Options{
		Store:              st,
		Feed:               hub,
		Tokens:             auth.NewTokens([]byte(testSecret), 7*24*time.Hour),
		PasswordCost:       bcrypt.MinCost,
		AllowRegistration:  true,
		AuthPerMinute:      1000,
		CORSAllowedOrigins: []string{"http://localhost:5173"},
		WSPingInterval:     time.Second,
		WSBuffer:           64,
		UI:                 http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "<html>ui</html>") }),
	}
	for _, m := range mutate {
		m(&opts)
	}
	api, err := New(opts)
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(func() {
		api.Close()
		srv.Close()
		hub.Close()
		require.NoError(t, st.Close())
	})
	return &env{t: t, st: st, hub: hub, api: api, srv: srv}
}

type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t *testing.T, dst any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, dst), string(r.Body))
}

func (r resp) errCode(t *testing.T) string {
	t.Helper()
	var e errorBody
	r.json(t, &e)
	require.NotEmpty(t, e.Error.Message)
	return e.Error.Code
}

func (e *env) do(method, path, token string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(e.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(e.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.srv.Client().Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

// register makes a user and returns its token and id.
func (e *env) register(email string) (token, id string) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/register", "", credentials{Email: email, Password: "correct horse battery"})
	require.Equal(e.t, http.StatusCreated, r.Status, string(r.Body))
	var tb tokenBody
	r.json(e.t, &tb)
	return tb.AccessToken, tb.User.ID
}

func (e *env) createProject(token, name string) projectWithKey {
	e.t.Helper()
	r := e.do("POST", "/api/v1/projects", token, map[string]string{"name": name})
	require.Equal(e.t, http.StatusCreated, r.Status, string(r.Body))
	var p projectWithKey
	r.json(e.t, &p)
	return p
}

// base is a fixed start time for fixtures.
var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano()

// span builds a fixture span; start and dur are in milliseconds from base.
func span(project, trace, id, parent, name string, start, dur int64) store.Span {
	return store.Span{ProjectID: project, TraceID: trace, SpanID: id, ParentSpanID: parent, Name: name,
		StartNs: base + start*1e6, EndNs: base + (start+dur)*1e6, StatusCode: "OK", ServiceName: "svc",
		Attributes: []byte(`{"k":"v"}`), Events: []byte(`[]`)}
}

func (e *env) write(b store.Batch) store.WriteResult {
	e.t.Helper()
	res, err := e.st.WriteBatch(context.Background(), b)
	require.NoError(e.t, err)
	return res
}
