package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/agentstack/agentstack/components/extension/pgmetaextension"
	"github.com/agentstack/agentstack/components/extension/storeextension"
	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/pgtest"
	"github.com/agentstack/agentstack/internal/store"
)

// With metadata: agentstack_postgres, users, projects and keys live in
// PostgreSQL while traces are still read from the store extension.
func TestMetadataFromPostgres(t *testing.T) {
	ctx := context.Background()
	pgID, pg := startPostgres(t)
	st, h := startStore(t)
	h.exts[pgID] = pg
	storeID := component.NewID(storeextension.NewFactory().Type())

	t.Run("MissingExtensionFailsStart", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.Metadata = component.MustNewIDWithName("agentstack_postgres", "absent")
		ext, err := NewFactory().Create(ctx, extensiontest.NewNopSettings(Type), cfg)
		require.NoError(t, err)
		err = ext.Start(ctx, h)
		assert.ErrorContains(t, err, `metadata: extension "agentstack_postgres/absent" is not configured`)
		require.NoError(t, ext.Shutdown(ctx))
	})

	t.Run("NotAMetadataProvider", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.Metadata = storeID
		ext, err := NewFactory().Create(ctx, extensiontest.NewNopSettings(Type), cfg)
		require.NoError(t, err)
		assert.ErrorContains(t, ext.Start(ctx, h), "does not provide")
		require.NoError(t, ext.Shutdown(ctx))
	})

	cfg := testConfig(t)
	cfg.Metadata = pgID
	ext, err := NewFactory().Create(ctx, extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	e := ext.(*apiExtension)
	assert.Equal(t, []component.ID{cfg.Store, cfg.Metadata}, e.Dependencies())
	require.NoError(t, ext.Start(ctx, h))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(ctx)) })
	call := caller(t, e)

	code, _ := call("GET", "/api/v1/health", "", "")
	assert.Equal(t, http.StatusOK, code, "health pings both stores")

	token := register(t, call, "a@example.com")

	code, body := call("POST", "/api/v1/projects", token, `{"name":"shop"}`)
	require.Equal(t, http.StatusCreated, code, string(body))
	var resp struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
		APIKey string `json:"api_key"`
	}
	require.NoError(t, json.Unmarshal(body, &resp))
	created := struct{ ID, APIKey string }{resp.Project.ID, resp.APIKey}
	require.NotEmpty(t, created.ID)

	meta := pg.(hostext.MetadataProvider).MetadataStore()
	u, err := meta.UserByEmail(ctx, "a@example.com")
	require.NoError(t, err, "the user is in PostgreSQL")
	assert.True(t, u.IsAdmin)
	id, err := meta.ProjectIDByKeyDigest(ctx, apikey.Sum(created.APIKey))
	require.NoError(t, err, "the new key resolves in PostgreSQL")
	assert.Equal(t, created.ID, id)

	sqlite := st.(hostext.StoreProvider).Store()
	_, err = sqlite.UserByEmail(ctx, "a@example.com")
	assert.ErrorIs(t, err, store.ErrNotFound, "nothing of it went to the trace store")
	_, err = sqlite.GetProject(ctx, created.ID)
	assert.ErrorIs(t, err, store.ErrNotFound)

	code, body = call("GET", "/api/v1/projects", token, "")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), created.ID)
	code, _ = call("GET", "/api/v1/traces", token, "")
	assert.Equal(t, http.StatusOK, code, "traces are read from the store extension")

	code, _ = call("DELETE", "/api/v1/projects/"+created.ID, token, "")
	assert.Equal(t, http.StatusNoContent, code)
	_, err = meta.GetProject(ctx, created.ID)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// startPostgres starts agentstack_postgres on a fresh database.
func startPostgres(t *testing.T) (component.ID, extension.Extension) {
	t.Helper()
	srv := pgtest.Start(t)
	ctx := context.Background()
	pf := pgmetaextension.NewFactory()
	pcfg := pf.CreateDefaultConfig().(*pgmetaextension.Config)
	pcfg.DSN = configopaque.String(srv.NewDatabase(t))
	pg, err := pf.Create(ctx, extensiontest.NewNopSettings(pf.Type()), pcfg)
	require.NoError(t, err)
	require.NoError(t, pg.Start(ctx, componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, pg.Shutdown(ctx)) })
	return component.NewID(pf.Type()), pg
}

// caller returns a function making a JSON request to the started API,
// with a bearer token unless it is empty.
func caller(t *testing.T, e *apiExtension) func(method, path, token, body string) (int, []byte) {
	return func(method, path, token, body string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(context.Background(), method, "http://"+e.addr.String()+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
}

// register signs a user up through call and returns its access token.
func register(t *testing.T, call func(method, path, token, body string) (int, []byte), email string) string {
	t.Helper()
	code, body := call("POST", "/api/v1/auth/register", "", `{"email":"`+email+`","password":"correct horse battery"}`)
	require.Equal(t, http.StatusCreated, code, string(body))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(body, &tok))
	return tok.AccessToken
}
