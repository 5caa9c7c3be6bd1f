package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStartServesIsolatedDatabases(t *testing.T) {
	s := Start(t)
	ctx := context.Background()
	a, b := s.NewDatabase(t), s.NewDatabase(t)
	assert.NotEqual(t, a, b)
	ca, err := pgx.Connect(ctx, a)
	require.NoError(t, err)
	defer ca.Close(ctx)
	_, err = ca.Exec(ctx, `CREATE TABLE only_in_a (x int)`)
	require.NoError(t, err)
	cb, err := pgx.Connect(ctx, b)
	require.NoError(t, err)
	defer cb.Close(ctx)
	var n int
	require.NoError(t, cb.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'`).Scan(&n))
	assert.Zero(t, n, "a table made in one database is not in another")
	var version string
	require.NoError(t, ca.QueryRow(ctx, `SHOW server_version`).Scan(&version))
	assert.NotEmpty(t, version)
}

func TestBinDirHonoursOverride(t *testing.T) {
	t.Setenv("AGENTSTACK_PG_BINDIR", t.TempDir())
	_, err := BinDir()
	assert.ErrorContains(t, err, "has no initdb")
}
