package chreaderextension

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/hostext"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestValidate(t *testing.T) {
	assert.ErrorContains(t, (&Config{}).Validate(), "dsn: must be set")
	assert.ErrorContains(t, (&Config{DSN: "postgres://x"}).Validate(), "must start with clickhouse://")
	assert.NoError(t, (&Config{DSN: "clickhouse://u:p@localhost:9000/agentstack"}).Validate())
}

func TestStartFailsClearlyWhenClickHouseIsUnreachable(t *testing.T) {
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(Type),
		&Config{DSN: "clickhouse://agentstack:s3cret@127.0.0.1:1/agentstack?dial_timeout=500ms"})
	require.NoError(t, err)
	err = ext.Start(context.Background(), componenttest.NewNopHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connecting to ClickHouse")
	assert.NotContains(t, err.Error(), "s3cret", "the password never reaches the log")
	assert.Nil(t, ext.(hostext.TraceReaderProvider).TraceReader())
	require.NoError(t, ext.Shutdown(context.Background()))
}

// With a real ClickHouse (AGENTSTACK_CLICKHOUSE_DSN, schema applied by
// agentstack-migrate), the extension serves a reader that answers.
func TestServesAReaderFromClickHouse(t *testing.T) {
	dsn := os.Getenv("AGENTSTACK_CLICKHOUSE_DSN")
	if dsn == "" {
		t.Skip("skipped: set AGENTSTACK_CLICKHOUSE_DSN to run")
	}
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(Type), &Config{DSN: configopaque.String(dsn)})
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, ext.Shutdown(context.Background())) }()
	r := ext.(hostext.TraceReaderProvider).TraceReader()
	require.NotNil(t, r)
	require.NoError(t, r.Ping(context.Background()))
}
