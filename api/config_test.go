package api

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.MustNewIDWithName(Type.String(), name).String())
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg
}

func TestLoadConfig(t *testing.T) {
	def := loadConfig(t, "")
	assert.Equal(t, NewFactory().CreateDefaultConfig(), def)
	require.NoError(t, confmap.Validate(def), "the default config (secret file) is valid")
	assert.Equal(t, 7*24*time.Hour, def.TokenTTL)
	assert.True(t, def.AllowRegistration)
	assert.Equal(t, []string{"http://localhost:5173"}, def.CORSAllowedOrigins)

	c := loadConfig(t, "custom")
	require.NoError(t, confmap.Validate(c))
	assert.Equal(t, component.MustNewIDWithName("agentstack_store", "other"), c.Store)
	assert.Equal(t, "127.0.0.1:9000", c.Endpoint)
	assert.Equal(t, 24*time.Hour, c.TokenTTL)
	assert.False(t, c.AllowRegistration)
	assert.Equal(t, 5, c.AuthRateLimit)
	assert.Equal(t, WebSocketConfig{PingInterval: 10 * time.Second, SendBuffer: 64}, c.WebSocket)
}

func TestValidateRefusesWeakOrMissingSecrets(t *testing.T) {
	err := confmap.Validate(loadConfig(t, "weak"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "jwt_secret:")
	assert.Contains(t, err.Error(), "well-known default")

	require.NoError(t, confmap.Validate(loadConfig(t, "weak_dev")), "dev_mode accepts it")

	err = confmap.Validate(loadConfig(t, "nosecret"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no JWT signing secret")
}

func TestValidateNamesEveryBadField(t *testing.T) {
	cfg := loadConfig(t, "bad")
	cfg.Store = component.ID{}
	err := confmap.Validate(cfg)
	require.Error(t, err)
	for _, field := range []string{"store:", "endpoint:", "token_ttl:", "auth_rate_limit:", "cors_allowed_origins:",
		"websocket.ping_interval:", "websocket.send_buffer:"} {
		assert.Contains(t, err.Error(), field)
	}
}
