package apikeyauthextension

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/internal/apikey"
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
	assert.Equal(t, createDefaultConfig(), load("apikeyauth"))
	custom := load("apikeyauth/custom")
	require.NoError(t, custom.Validate())
	assert.Equal(t, component.MustNewIDWithName("agentstack_store", "meta"), custom.Store)
	assert.Equal(t, CacheConfig{Size: 500, TTL: 10 * time.Second, NegativeTTL: time.Second}, custom.Cache)
	assert.ErrorContains(t, load("apikeyauth/badttl").Validate(), "cache.ttl: must be between 0 and 1h, got -1s")
}

// countingResolver is a real store behind a lookup counter.
type countingResolver struct {
	component.StartFunc
	component.ShutdownFunc
	st      *store.Store
	lookups atomic.Int64
	fail    atomic.Bool
}

func (r *countingResolver) ProjectIDByKeyDigest(ctx context.Context, d apikey.Digest) (string, error) {
	r.lookups.Add(1)
	if r.fail.Load() {
		return "", errors.New("database is locked")
	}
	return r.st.ProjectIDByKeyDigest(ctx, d)
}

func setup(t *testing.T) (*authenticator, *countingResolver, string, string) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	key, err := apikey.Generate()
	require.NoError(t, err)
	p, err := st.CreateProject(context.Background(), "p", "", key)
	require.NoError(t, err)
	res := &countingResolver{st: st}
	cfg := createDefaultConfig().(*Config)
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	host := testhost.Host{component.MustNewID("agentstack_store"): res}
	require.NoError(t, ext.Start(context.Background(), host))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(context.Background())) })
	return ext.(*authenticator), res, key, p.ID
}

func TestAuthenticateFindsTheKeyInEveryForm(t *testing.T) {
	a, _, key, projectID := setup(t)
	for name, headers := range map[string]map[string][]string{
		"http X-Api-Key":        {"X-Api-Key": {key}},
		"grpc x-api-key":        {"x-api-key": {key}},
		"http bearer":           {"Authorization": {"Bearer " + key}},
		"grpc bearer":           {"authorization": {"bearer " + key}},
		"padded":                {"X-Api-Key": {"  " + key + " "}},
		"other headers present": {"Content-Type": {"application/json"}, "X-Api-Key": {key}},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, err := a.Authenticate(context.Background(), headers)
			require.NoError(t, err)
			id, ok := tenancy.FromContext(ctx)
			assert.True(t, ok)
			assert.Equal(t, projectID, id)
		})
	}
}

func TestAuthenticateRefuses(t *testing.T) {
	a, _, key, _ := setup(t)
	for name, tc := range map[string]struct {
		headers map[string][]string
		want    error
	}{
		"nothing":        {map[string][]string{}, ErrMissingKey},
		"empty key":      {map[string][]string{"X-Api-Key": {""}}, ErrMissingKey},
		"basic auth":     {map[string][]string{"Authorization": {"Basic " + key}}, ErrMissingKey},
		"unknown key":    {map[string][]string{"X-Api-Key": {key + "x"}}, ErrInvalidKey},
		"unknown bearer": {map[string][]string{"Authorization": {"Bearer ak_nope"}}, ErrInvalidKey},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, err := a.Authenticate(context.Background(), tc.headers)
			assert.ErrorIs(t, err, tc.want)
			_, ok := tenancy.FromContext(ctx)
			assert.False(t, ok)
		})
	}
}

func TestCacheSparesTheStoreAndStoreFaultsAreNotCached(t *testing.T) {
	a, res, key, _ := setup(t)
	h := map[string][]string{"X-Api-Key": {key}}
	for i := 0; i < 100; i++ {
		_, err := a.Authenticate(context.Background(), h)
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, res.lookups.Load(), "one lookup per TTL, not per request")

	bad := map[string][]string{"X-Api-Key": {"ak_unknown_key_0123456789"}}
	for i := 0; i < 50; i++ {
		_, err := a.Authenticate(context.Background(), bad)
		require.ErrorIs(t, err, ErrInvalidKey)
	}
	assert.EqualValues(t, 2, res.lookups.Load(), "misses are cached too")

	res.fail.Store(true)
	other, _ := apikey.Generate()
	_, err := a.Authenticate(context.Background(), map[string][]string{"X-Api-Key": {other}})
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrInvalidKey, "a store fault is not the client's bad key")
	res.fail.Store(false)
	_, err = a.Authenticate(context.Background(), map[string][]string{"X-Api-Key": {other}})
	assert.ErrorIs(t, err, ErrInvalidKey, "the fault was not cached as a miss")
}

func TestStartNeedsTheStoreExtension(t *testing.T) {
	a := newAuthenticator(createDefaultConfig().(*Config), zap.NewNop())
	err := a.Start(context.Background(), componenttest.NewNopHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"agentstack_store" is not configured`)

	notAResolver := testhost.Host{component.MustNewID("agentstack_store"): struct {
		component.StartFunc
		component.ShutdownFunc
	}{}}
	err = a.Start(context.Background(), notAResolver)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not provide")
}
