package postgres

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/metastore"
	"github.com/agentstack/agentstack/internal/metastore/metastoretest"
	"github.com/agentstack/agentstack/internal/pgtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func open(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, Options{MaxConns: 8, Migrate: true})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestPostgres(t *testing.T) {
	srv := pgtest.Start(t)

	t.Run("Contract", func(t *testing.T) {
		metastoretest.Run(t, func(t *testing.T) metastore.Store { return open(t, srv.NewDatabase(t)) })
	})

	t.Run("MigrationsAreIdempotent", func(t *testing.T) {
		s := open(t, srv.NewDatabase(t))
		ctx := context.Background()
		ms, err := Migrations()
		require.NoError(t, err)
		v, err := s.SchemaVersion(ctx)
		require.NoError(t, err)
		assert.Equal(t, ms[len(ms)-1].Version, v)
		applied, err := Migrate(ctx, s.Pool())
		require.NoError(t, err)
		assert.Empty(t, applied, "a second run applies nothing")
		// The files themselves survive being run again over the schema.
		for _, m := range ms {
			_, err := s.Pool().Exec(ctx, m.SQL)
			assert.NoError(t, err, "%s is not idempotent", m.Name)
		}
	})

	t.Run("ConcurrentMigrations", func(t *testing.T) {
		dsn := srv.NewDatabase(t)
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Open(ctx, dsn, Options{MaxConns: 2, Migrate: true})
				if err == nil {
					s.Close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for _, err := range errs {
			assert.NoError(t, err, "replicas starting together all migrate cleanly")
		}
		s := open(t, dsn)
		var n int
		require.NoError(t, s.Pool().QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n))
		ms, _ := Migrations()
		assert.Equal(t, len(ms), n, "each migration recorded once")
	})

	t.Run("NewerSchemaRefused", func(t *testing.T) {
		s := open(t, srv.NewDatabase(t))
		ctx := context.Background()
		_, err := s.Pool().Exec(ctx, `INSERT INTO schema_migrations(version, name) VALUES (9999, '9999_future.sql')`)
		require.NoError(t, err)
		_, err = Migrate(ctx, s.Pool())
		assert.ErrorContains(t, err, "newer than this binary knows")
	})

	t.Run("KeyDigestIsIndexedBytea", func(t *testing.T) {
		s := open(t, srv.NewDatabase(t))
		var typ string
		require.NoError(t, s.Pool().QueryRow(context.Background(),
			`SELECT data_type FROM information_schema.columns WHERE table_name = 'projects' AND column_name = 'key_digest'`).Scan(&typ))
		assert.Equal(t, "bytea", typ)
		var unique bool
		require.NoError(t, s.Pool().QueryRow(context.Background(),
			`SELECT indisunique FROM pg_index WHERE indexrelid = 'projects_key_digest'::regclass`).Scan(&unique))
		assert.True(t, unique)
	})
}

func TestOpenBadDSNHidesPassword(t *testing.T) {
	_, err := Open(context.Background(), "postgres://u:s3cret@127.0.0.1:notaport/db", Options{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
}
