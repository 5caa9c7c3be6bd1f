package tracestoretest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/convert"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/tracestore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The embedded store, loaded through the store exporter's conversion, is
// the reference the ClickHouse reader is held to.
func TestSQLiteReader(t *testing.T) {
	Run(t, func(t *testing.T) (tracestore.Reader, Loader) {
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "traces.db"), store.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, st.Close()) })
		return st, func(ctx context.Context, td ptrace.Traces) error {
			b, unowned := convert.Traces(td)
			require.Zero(t, unowned)
			_, err := st.WriteBatch(ctx, b)
			return err
		}
	})
}
