package metastore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/metastore"
	"github.com/agentstack/agentstack/internal/metastore/metastoretest"
	"github.com/agentstack/agentstack/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The embedded SQLite store keeps the same contract as PostgreSQL.
func TestSQLiteContract(t *testing.T) {
	metastoretest.Run(t, func(t *testing.T) metastore.Store {
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "meta.db"), store.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, st.Close()) })
		return st
	})
}
