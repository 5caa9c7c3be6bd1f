package storeextension

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/apikey"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cases := []struct {
		id      string
		want    *Config
		wantErr string
	}{
		{id: "agentstack_store", want: createDefaultConfig().(*Config)},
		{id: "agentstack_store/custom", want: &Config{Path: "/var/lib/agentstack/agentstack.db", BusyTimeout: 10e9,
			Bootstrap: BootstrapConfig{Enabled: true, ProjectName: "ops", APIKey: "ak_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"}}},
		{id: "agentstack_store/badkey", wantErr: `bootstrap.api_key: api key must start with "ak_"`},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			cfg := createDefaultConfig()
			var id component.ID
			require.NoError(t, id.UnmarshalText([]byte(tc.id)))
			sub, err := cm.Sub(id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))
			err = cfg.(*Config).Validate()
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg)
		})
	}
}

func TestValidateNamesTheField(t *testing.T) {
	err := (&Config{BusyTimeout: -1, Bootstrap: BootstrapConfig{Enabled: true}}).Validate()
	require.Error(t, err)
	for _, field := range []string{"path:", "busy_timeout:", "bootstrap.project_name:"} {
		assert.Contains(t, err.Error(), field)
	}
}

func start(t *testing.T, cfg *Config) (*storeExtension, *bytes.Buffer) {
	t.Helper()
	ext := newStoreExtension(cfg, extensiontest.NewNopSettings(Type))
	out := &bytes.Buffer{}
	ext.keyOut = out
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	return ext, out
}

func TestBootstrapPrintsAGeneratedKeyOnceAndItWorks(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Path = filepath.Join(t.TempDir(), "data", "a.db")
	ext, out := start(t, cfg)
	printed := out.String()
	var key string
	for _, f := range strings.Fields(printed) {
		if strings.HasPrefix(f, apikey.Prefix) {
			key = f
		}
	}
	require.NotEmpty(t, key, "the key is shown: %q", printed)
	id, err := ext.ProjectIDByKeyDigest(context.Background(), apikey.Sum(key))
	require.NoError(t, err)
	assert.Contains(t, printed, id)
	require.NoError(t, ext.Shutdown(context.Background()))

	ext, out = start(t, cfg)
	assert.Empty(t, out.String(), "a second start shows no key and makes no project")
	n, err := ext.Store().CountProjects(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, ext.Shutdown(context.Background()))
}

func TestBootstrapWithAConfiguredKey(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Path = filepath.Join(t.TempDir(), "a.db")
	cfg.Bootstrap.APIKey = "ak_configured_0123456789abcdefghijklmnop"
	for i := 0; i < 2; i++ {
		ext, out := start(t, cfg)
		assert.Empty(t, out.String(), "a configured key is never printed")
		_, err := ext.ProjectIDByKeyDigest(context.Background(), apikey.Sum(string(cfg.Bootstrap.APIKey)))
		require.NoError(t, err)
		n, err := ext.Store().CountProjects(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		require.NoError(t, ext.Shutdown(context.Background()))
	}
}

func TestStartFailsClearlyOnAnUnusablePath(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Path = "/proc/agentstack/a.db"
	ext := newStoreExtension(cfg, extensiontest.NewNopSettings(Type))
	err := ext.Start(context.Background(), componenttest.NewNopHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/proc/agentstack")
	require.NoError(t, ext.Shutdown(context.Background()))
}
