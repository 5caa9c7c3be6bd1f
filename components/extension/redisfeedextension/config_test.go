package redisfeedextension

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.yaml.in/yaml/v3"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.MustNewIDWithName(Type.String(), name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg, confmap.Validate(cfg)
}

func TestDefaultsFollowTheExportersStreams(t *testing.T) {
	cfg, err := loadConfig(t, "")
	require.NoError(t, err)
	assert.Equal(t, "localhost:6379", cfg.Endpoint)
	assert.Equal(t, "spans.ingest", cfg.SpanStream)
	assert.Equal(t, "alerts.live", cfg.AlertStream)
	assert.Equal(t, 10000, cfg.DedupWindow)
}

func TestCustomConfig(t *testing.T) {
	cfg, err := loadConfig(t, "custom")
	require.NoError(t, err)
	assert.Equal(t, "api", cfg.Username)
	assert.Equal(t, "s3cret", string(cfg.Password))
	assert.False(t, cfg.TLS.Insecure)
	assert.Equal(t, "agentstack.spans", cfg.SpanStream)
	assert.Equal(t, 500*time.Millisecond, cfg.Block)
	assert.EqualValues(t, 100, cfg.Count)
	assert.Equal(t, ReconnectConfig{InitialInterval: 50 * time.Millisecond, MaxInterval: 2 * time.Second}, cfg.Reconnect)
	assert.Zero(t, cfg.DedupWindow)
}

func TestInvalidConfigNamesEveryBadField(t *testing.T) {
	_, err := loadConfig(t, "bad")
	require.Error(t, err)
	for _, field := range []string{"endpoint:", "alert_stream:", "block:", "count:", "reconnect.max_interval:", "dedup_window:"} {
		assert.Contains(t, err.Error(), field)
	}
}

func TestRecentForgetsTheOldestKey(t *testing.T) {
	r := newRecent(2)
	assert.False(t, r.seen("a"))
	assert.True(t, r.seen("a"))
	assert.False(t, r.seen("b"))
	assert.False(t, r.seen("c")) // evicts a
	assert.False(t, r.seen("a"))
	assert.True(t, r.seen("c"))
	var off *recent
	assert.False(t, off.seen("a"))
	assert.False(t, off.seen("a"), "a zero window remembers nothing")
}

// The shipped scale-out configuration must hold a valid extension section.
func TestDeployConfigIsValid(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "collector-redis.yaml"))
	require.NoError(t, err)
	// ${env:NAME:-default} takes its default, as with an empty environment.
	expanded := regexp.MustCompile(`\$\{env:[A-Z_]+:-([^}]*)\}`).ReplaceAll(raw, []byte("$1"))
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(expanded, &doc))
	sub, err := confmap.NewFromStringMap(doc).Sub("extensions::redisstream_feed")
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, confmap.Validate(cfg))
	assert.Equal(t, "spans.ingest", cfg.SpanStream)
	assert.Contains(t, string(raw), "redisstream_feed, agentstack_api]")
}
