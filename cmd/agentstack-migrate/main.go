// Command agentstack-migrate applies AgentStack's scale-out schemas: the
// ClickHouse tables and materialized views (deploy/clickhouse/) and the
// PostgreSQL metadata schema (internal/metastore/postgres). Both are
// ordered and idempotent: run it on every install and upgrade.
//
//	go run ./cmd/agentstack-migrate --clickhouse "$CLICKHOUSE_DSN" [--ttl-days 90]
//	go run ./cmd/agentstack-migrate --postgres "$POSTGRES_DSN"
//	go run ./cmd/agentstack-migrate --print [--ttl-days 30]   # show the ClickHouse SQL
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	clickhouseschema "github.com/agentstack/agentstack/deploy/clickhouse"
	"github.com/agentstack/agentstack/internal/chstore"
	"github.com/agentstack/agentstack/internal/metastore/postgres"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("agentstack-migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	chDSN := fs.String("clickhouse", "", "ClickHouse DSN, e.g. clickhouse://user:password@host:9000/agentstack")
	pgDSN := fs.String("postgres", "", "PostgreSQL DSN, e.g. postgres://user:password@host:5432/agentstack")
	ttlDays := fs.Int("ttl-days", clickhouseschema.DefaultTTLDays, "days of spans ClickHouse keeps")
	printSQL := fs.Bool("print", false, "print the ClickHouse SQL for --ttl-days and exit")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ttlSet := false
	fs.Visit(func(f *flag.Flag) { ttlSet = ttlSet || f.Name == "ttl-days" })
	if *printSQL {
		if err := printClickHouse(stdout, *ttlDays); err != nil {
			fmt.Fprintln(stderr, "agentstack-migrate:", err)
			return 1
		}
		return 0
	}
	if *chDSN == "" && *pgDSN == "" {
		fmt.Fprintln(stderr, "agentstack-migrate: nothing to do: give --clickhouse DSN and/or --postgres DSN (or --print)")
		fs.Usage()
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	var errs []error
	if *pgDSN != "" {
		errs = append(errs, migratePostgres(ctx, stdout, *pgDSN))
	}
	if *chDSN != "" {
		errs = append(errs, migrateClickHouse(ctx, stdout, *chDSN, *ttlDays, ttlSet))
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(stderr, "agentstack-migrate:", err)
		return 1
	}
	return 0
}

func report(w io.Writer, db string, applied []string) {
	if len(applied) == 0 {
		fmt.Fprintf(w, "%s: schema up to date\n", db)
		return
	}
	fmt.Fprintf(w, "%s: applied %s\n", db, strings.Join(applied, ", "))
}

func migratePostgres(ctx context.Context, w io.Writer, dsn string) error {
	st, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer st.Close()
	applied, err := postgres.Migrate(ctx, st.Pool())
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	report(w, "postgres", applied)
	return nil
}

// migrateClickHouse applies the numbered files and, when --ttl-days was
// given, sets the TTL on existing tables (a fresh install gets it from the
// CREATE statements; changing it rewrites TTL metadata, so it is not done
// unasked).
func migrateClickHouse(ctx context.Context, w io.Writer, dsn string, ttlDays int, ttlSet bool) error {
	r, err := chstore.Open(ctx, dsn)
	if err != nil {
		return fmt.Errorf("clickhouse: %w", err)
	}
	defer r.Close()
	conn := r.Conn()
	applied, err := clickhouseschema.Migrate(ctx, conn,
		func(ctx context.Context) (map[int]bool, error) { return chstore.AppliedVersions(ctx, conn) }, ttlDays, ttlSet)
	if err != nil {
		return fmt.Errorf("clickhouse: %w", err)
	}
	report(w, "clickhouse", applied)
	return nil
}

func printClickHouse(w io.Writer, ttlDays int) error {
	ms, err := clickhouseschema.Migrations(ttlDays)
	if err != nil {
		return err
	}
	for _, m := range ms {
		fmt.Fprintf(w, "-- %s\n", m.Name)
		for _, s := range m.Statements {
			fmt.Fprintf(w, "%s;\n\n", s)
		}
	}
	return nil
}
