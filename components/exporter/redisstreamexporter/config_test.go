package redisstreamexporter

import (
	"fmt"
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

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/streammsg"
)

func fmtAll(v any) string { return fmt.Sprintf("%v %+v %#v", v, v, v) }

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

func TestDefaults(t *testing.T) {
	cfg, err := loadConfig(t, "")
	require.NoError(t, err)
	assert.Equal(t, "localhost:6379", cfg.Endpoint)
	assert.Equal(t, "spans.ingest", cfg.SpanStream)
	assert.Equal(t, "alerts.live", cfg.AlertStream)
	assert.EqualValues(t, 100000, cfg.SpanMaxLen)
	assert.EqualValues(t, 10000, cfg.AlertMaxLen)
	assert.Equal(t, streammsg.FormatJSON, cfg.Format)
	assert.True(t, cfg.TLS.Insecure, "plaintext unless TLS is asked for")
	assert.True(t, cfg.RetryConfig.Enabled)
	assert.True(t, cfg.QueueConfig.HasValue())
}

func TestCustomConfig(t *testing.T) {
	cfg, err := loadConfig(t, "custom")
	require.NoError(t, err)
	assert.Equal(t, "redis.internal:6380", cfg.Endpoint)
	assert.Equal(t, "agentstack", cfg.Username)
	assert.Equal(t, "s3cret", string(cfg.Password))
	assert.Equal(t, 2, cfg.DB)
	assert.False(t, cfg.TLS.Insecure)
	assert.Equal(t, "/etc/ssl/redis-ca.pem", cfg.TLS.CAFile)
	assert.Equal(t, "agentstack.spans", cfg.SpanStream)
	assert.EqualValues(t, 500000, cfg.SpanMaxLen)
	assert.Equal(t, "agentstack.alerts", cfg.AlertStream)
	assert.EqualValues(t, 0, cfg.AlertMaxLen)
	assert.Equal(t, streammsg.FormatOTLPProto, cfg.Format)
	assert.Equal(t, 3*time.Second, cfg.TimeoutConfig.Timeout)
	assert.Zero(t, cfg.RetryConfig.MaxElapsedTime)
	require.True(t, cfg.QueueConfig.HasValue())
	require.NotNil(t, cfg.QueueConfig.Get().StorageID, "storage: file_storage makes the queue persistent")
	assert.Equal(t, "file_storage", cfg.QueueConfig.Get().StorageID.String())
	assert.NotContains(t, fmtAll(cfg), "s3cret", "the password prints as [REDACTED]")
}

func TestInvalidConfigNamesEveryBadField(t *testing.T) {
	_, err := loadConfig(t, "bad")
	require.Error(t, err)
	for _, field := range []string{"endpoint:", "password:", "span_stream:", "alert_max_len:", "format:"} {
		assert.Contains(t, err.Error(), field)
	}
	_, err = loadConfig(t, "same")
	require.ErrorContains(t, err, "alert_stream: must differ from span_stream")
}

// The shipped scale-out configuration must hold a valid exporter section.
func TestDeployConfigIsValid(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "collector-redis.yaml"))
	require.NoError(t, err)
	// ${env:NAME:-default} takes its default, as with an empty environment.
	expanded := regexp.MustCompile(`\$\{env:[A-Z_]+:-([^}]*)\}`).ReplaceAll(raw, []byte("$1"))
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(expanded, &doc))
	sub, err := confmap.NewFromStringMap(doc).Sub("exporters::redisstream")
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, confmap.Validate(cfg))
	assert.Equal(t, "localhost:6379", cfg.Endpoint)
	require.NotNil(t, cfg.QueueConfig.Get().StorageID)
	assert.Equal(t, "file_storage", cfg.QueueConfig.Get().StorageID.String())
	assert.Contains(t, string(raw), "exporters: [agentstack_store, redisstream]")
}
