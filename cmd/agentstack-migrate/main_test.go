package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/pgtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestPostgresMigrationIsIdempotent(t *testing.T) {
	srv := pgtest.Start(t)
	dsn := srv.NewDatabase(t)
	code, out, errs := runCmd("--postgres", dsn)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "postgres: applied 0001_init.sql")
	code, out, errs = runCmd("--postgres", dsn)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "postgres: schema up to date\n", out)

	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var n int
	require.NoError(t, conn.QueryRow(context.Background(),
		`SELECT count(*) FROM information_schema.tables WHERE table_name IN ('users', 'projects', 'schema_migrations')`).Scan(&n))
	assert.Equal(t, 3, n)
}

func TestPrintRendersTheTTL(t *testing.T) {
	code, out, _ := runCmd("--print", "--ttl-days", "30")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "-- 0001_otel_traces.sql")
	assert.Contains(t, out, "toIntervalDay(30)")
	assert.NotContains(t, out, "toIntervalDay(90)")
	assert.NotContains(t, out, "{{")
	code, _, errs := runCmd("--print", "--ttl-days", "0")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "between 1 and 36500")
}

func TestUsageErrors(t *testing.T) {
	code, _, errs := runCmd()
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "nothing to do")
	code, _, _ = runCmd("--bogus")
	assert.Equal(t, 2, code)
}

func TestUnreachableDatabasesFailWithoutLeakingPasswords(t *testing.T) {
	code, _, errs := runCmd("--timeout", "5s",
		"--postgres", "postgres://u:pgsecret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2",
		"--clickhouse", "clickhouse://u:chsecret@127.0.0.1:1/db?dial_timeout=1s")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "postgres:")
	assert.Contains(t, errs, "clickhouse:")
	assert.False(t, strings.Contains(errs, "pgsecret") || strings.Contains(errs, "chsecret"), errs)
}
