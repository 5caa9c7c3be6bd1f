package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/components/extension/storeextension"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/store"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

type host struct {
	component.Host
	exts map[component.ID]component.Component
}

func (h host) GetExtensions() map[component.ID]component.Component { return h.exts }

// startStore starts a real store extension and returns it with a host
// that holds it.
func startStore(t *testing.T) (extension.Extension, host) {
	t.Helper()
	ctx := context.Background()
	sf := storeextension.NewFactory()
	scfg := sf.CreateDefaultConfig().(*storeextension.Config)
	scfg.Path = filepath.Join(t.TempDir(), "agentstack.db")
	scfg.Bootstrap.Enabled = false
	st, err := sf.Create(ctx, extensiontest.NewNopSettings(sf.Type()), scfg)
	require.NoError(t, err)
	h := host{Host: componenttest.NewNopHost(), exts: map[component.ID]component.Component{component.NewID(sf.Type()): st}}
	require.NoError(t, st.Start(ctx, h))
	t.Cleanup(func() { require.NoError(t, st.Shutdown(ctx)) })
	return st, h
}

// startWithStore starts a real store extension and the API beside it.
func startWithStore(t *testing.T, cfg *Config) (*apiExtension, extension.Extension) {
	t.Helper()
	ctx := context.Background()
	st, h := startStore(t)
	ext, err := NewFactory().Create(ctx, extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(ctx, h))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(ctx)) })
	return ext.(*apiExtension), st
}

func testConfig(t *testing.T) *Config {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.Endpoint = "127.0.0.1:0"
	cfg.JWTSecretFile = filepath.Join(t.TempDir(), "data", "jwt-secret")
	return cfg
}

func TestExtensionServesAndFeedsLive(t *testing.T) {
	cfg := testConfig(t)
	e, st := startWithStore(t, cfg)
	assert.Equal(t, []component.ID{cfg.Store}, e.Dependencies())
	info, err := os.Stat(cfg.JWTSecretFile)
	require.NoError(t, err, "the secret file is created on first start")
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// An unowned project, as the bootstrap makes: the first user to
	// register takes it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := st.(hostext.StoreProvider).Store().CreateProject(ctx, "default", "", "ak_0123456789abcdefghijklmnopqrstuvwxyz")
	require.NoError(t, err)

	base := "http://" + e.addr.String()
	res, err := http.Post(base+"/api/v1/auth/register", "application/json",
		strings.NewReader(`{"email":"a@example.com","password":"correct horse battery"}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode, string(body))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(body, &tok))

	conn, _, err := websocket.Dial(ctx, "ws://"+e.addr.String()+"/ws/traces?token="+tok.AccessToken, nil)
	require.NoError(t, err)
	defer conn.CloseNow()
	_, hello, err := conn.Read(ctx)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"subscribed","project_ids":["`+p.ID+`"]}`, string(hello))

	// The API subscribed to the store extension's feed, where the exporter
	// publishes in the collector.
	st.(hostext.LiveFeedProvider).LiveFeed().Publish([]livefeed.Event{
		{Kind: livefeed.KindSpan, ProjectID: p.ID, Span: &store.Span{ProjectID: p.ID, SpanID: "00f067aa0ba902b7"}}})
	_, msg, err := conn.Read(ctx)
	require.NoError(t, err)
	assert.Contains(t, string(msg), `"span_id":"00f067aa0ba902b7"`)

	// Shutdown ends the socket with "going away".
	readErr := make(chan error, 1)
	go func() {
		_, _, err := conn.Read(ctx)
		readErr <- err
	}()
	// Let the client's Read start first: when the close frame arrives
	// before it, the client library reports a bare EOF instead of the code.
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, e.Shutdown(ctx))
	err = <-readErr
	assert.Equal(t, websocket.StatusGoingAway, websocket.CloseStatus(err), "%v", err)
}

func TestExtensionRefusesAWeakSecret(t *testing.T) {
	ctx := context.Background()
	_, h := startStore(t)

	path := filepath.Join(t.TempDir(), "jwt-secret")
	require.NoError(t, os.WriteFile(path, []byte("changeme\n"), 0o600))
	cfg := testConfig(t)
	cfg.JWTSecretFile = path
	ext, err := NewFactory().Create(ctx, extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	err = ext.Start(ctx, h)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "jwt_secret_file")
	require.NoError(t, ext.Shutdown(ctx))

	cfg.DevMode = true
	ext, err = NewFactory().Create(ctx, extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(ctx, h), "dev_mode accepts it")
	require.NoError(t, ext.Shutdown(ctx))

	// Without the store extension the API says what is missing.
	ext, err = NewFactory().Create(ctx, extensiontest.NewNopSettings(Type), testConfig(t))
	require.NoError(t, err)
	err = ext.Start(ctx, componenttest.NewNopHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "agentstack_store")
}
