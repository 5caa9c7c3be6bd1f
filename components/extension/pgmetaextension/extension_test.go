package pgmetaextension

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensionauth"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/components/extension/apikeyauthextension"
	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/pgtest"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/tenancy"
	"github.com/agentstack/agentstack/internal/testhost"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	load := func(id string) *Config {
		cfg := createDefaultConfig().(*Config)
		sub, err := cm.Sub(id)
		require.NoError(t, err)
		require.NoError(t, sub.Unmarshal(cfg))
		return cfg
	}
	def := load("agentstack_postgres")
	require.NoError(t, def.Validate())
	assert.Equal(t, int32(10), def.MaxConns)
	assert.True(t, def.MigrateOnStart, "migrations run on start by default")

	custom := load("agentstack_postgres/custom")
	require.NoError(t, custom.Validate())
	assert.Equal(t, &Config{
		DSN:            "host=db.internal port=6432 user=agentstack dbname=meta sslmode=require",
		MaxConns:       25,
		MigrateOnStart: false,
		Bootstrap:      BootstrapConfig{ProjectName: "ops", APIKey: "ak_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"},
	}, custom)

	assert.ErrorContains(t, load("agentstack_postgres/nodsn").Validate(), "dsn: must be set")
	err = load("agentstack_postgres/bad").Validate()
	assert.ErrorContains(t, err, "dsn: is not a valid")
	assert.ErrorContains(t, err, "max_conns: must not be negative, got -1")
	assert.ErrorContains(t, err, "bootstrap.api_key:")
	assert.NotContains(t, err.Error(), "topsecret", "the password is never echoed")
}

func startExt(t *testing.T, cfg *Config) extension.Extension {
	t.Helper()
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(context.Background())) })
	return ext
}

func TestOnPostgres(t *testing.T) {
	srv := pgtest.Start(t)

	t.Run("StartFailsOnUnreachableDatabase", func(t *testing.T) {
		cfg := createDefaultConfig().(*Config)
		// A port nothing listens on (the server's own, with another db
		// name would connect; a closed one cannot).
		cfg.DSN = configopaque.String("postgres://postgres:pw@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
		ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(Type), cfg)
		require.NoError(t, err)
		err = ext.Start(context.Background(), componenttest.NewNopHost())
		require.Error(t, err)
		assert.Contains(t, err.Error(), "agentstack_postgres")
		require.NoError(t, ext.Shutdown(context.Background()))
	})

	t.Run("BootstrapKeyResolvesOnceAcrossReplicas", func(t *testing.T) {
		cfg := createDefaultConfig().(*Config)
		cfg.DSN = configopaque.String(srv.NewDatabase(t))
		key, err := apikey.Generate()
		require.NoError(t, err)
		cfg.Bootstrap.APIKey = configopaque.String(key)
		a := startExt(t, cfg).(*pgExtension)
		b := startExt(t, cfg).(*pgExtension) // a second replica, same config
		idA, err := a.ProjectIDByKeyDigest(context.Background(), apikey.Sum(key))
		require.NoError(t, err)
		idB, err := b.ProjectIDByKeyDigest(context.Background(), apikey.Sum(key))
		require.NoError(t, err)
		assert.Equal(t, idA, idB)
		n, err := a.MetadataStore().CountProjects(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 1, n, "the second replica finds the project instead of making another")
	})

	t.Run("ApikeyauthResolvesThroughPostgres", func(t *testing.T) {
		cfg := createDefaultConfig().(*Config)
		cfg.DSN = configopaque.String(srv.NewDatabase(t))
		pg := startExt(t, cfg)
		meta := pg.(hostext.MetadataProvider).MetadataStore()
		require.NotNil(t, meta)
		ctx := context.Background()
		key, err := apikey.Generate()
		require.NoError(t, err)
		p, err := meta.CreateProject(ctx, "shop", "", key)
		require.NoError(t, err)

		const ttl = 300 * time.Millisecond
		authFactory := apikeyauthextension.NewFactory()
		authCfg := authFactory.CreateDefaultConfig().(*apikeyauthextension.Config)
		authCfg.Store = component.NewID(Type)
		authCfg.Cache.TTL = ttl
		authCfg.Cache.NegativeTTL = ttl
		auth, err := authFactory.Create(ctx, extensiontest.NewNopSettings(apikeyauthextension.Type), authCfg)
		require.NoError(t, err)
		host := testhost.Host{component.NewID(Type): pg}
		require.NoError(t, auth.Start(ctx, host))
		t.Cleanup(func() { require.NoError(t, auth.Shutdown(ctx)) })
		server := auth.(extensionauth.Server)

		authed, err := server.Authenticate(ctx, map[string][]string{"X-Api-Key": {key}})
		require.NoError(t, err)
		got, ok := tenancy.FromContext(authed)
		require.True(t, ok)
		assert.Equal(t, p.ID, got, "the key resolves to its project through agentstack_postgres")

		_, err = server.Authenticate(ctx, map[string][]string{"Authorization": {"Bearer ak_unknownunknownunknownunknown"}})
		assert.ErrorIs(t, err, apikeyauthextension.ErrInvalidKey)

		fresh, err := apikey.Generate()
		require.NoError(t, err)
		require.NoError(t, meta.RotateKey(ctx, p.ID, fresh))
		_, err = meta.ProjectIDByKeyDigest(ctx, apikey.Sum(key))
		require.ErrorIs(t, err, store.ErrNotFound, "PostgreSQL forgets the old key at once")
		_, err = server.Authenticate(ctx, map[string][]string{"X-Api-Key": {key}})
		assert.NoError(t, err, "within the cache TTL the old key still passes (the documented bound)")

		time.Sleep(ttl + 100*time.Millisecond)
		_, err = server.Authenticate(ctx, map[string][]string{"X-Api-Key": {key}})
		assert.ErrorIs(t, err, apikeyauthextension.ErrInvalidKey, "after the cache TTL the rotated key is refused")
		authed, err = server.Authenticate(ctx, map[string][]string{"X-Api-Key": {fresh}})
		require.NoError(t, err)
		got, _ = tenancy.FromContext(authed)
		assert.Equal(t, p.ID, got, "the new key resolves")
	})
}
