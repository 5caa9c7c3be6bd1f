// Package store owns AgentStack's embedded SQLite database: its schema, its
// migrations, and every statement that reads or writes it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Store is one SQLite file opened with a single writer connection (SQLite
// serialises writers anyway; one connection avoids SQLITE_BUSY between our
// own goroutines) and a pool of readers (WAL lets them run beside the writer).
type Store struct {
	path string
	w    *sql.DB
	r    *sql.DB
}

// Options tune how the file is opened.
type Options struct {
	// BusyTimeoutMS is how long a statement waits for a lock held by another
	// process before failing with SQLITE_BUSY.
	BusyTimeoutMS int
	// MaxReaders bounds the reader pool.
	MaxReaders int
	// MaxSizeMiB caps the database file (0: no cap). Past it writes fail
	// as on a full disk, and are retried by the exporter until room is made.
	MaxSizeMiB int
}

func (o Options) withDefaults() Options {
	if o.BusyTimeoutMS <= 0 {
		o.BusyTimeoutMS = 5000
	}
	if o.MaxReaders <= 0 {
		o.MaxReaders = 8
	}
	return o
}

// Open opens (creating when needed) the database at path and applies any
// pending migrations.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("creating database directory %s: %w", dir, err)
		}
	}
	w, err := sql.Open("sqlite", dsn(path, opts, false))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s := &Store{path: path, w: w}
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if err := migrate(ctx, w); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("migrating %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, opts, true))
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("opening readers on %s: %w", path, err)
	}
	r.SetMaxOpenConns(opts.MaxReaders)
	r.SetMaxIdleConns(opts.MaxReaders)
	s.r = r
	return s, nil
}

func dsn(path string, opts Options, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeoutMS))
	q.Add("_pragma", "foreign_keys(ON)")
	// A 32 MiB page cache per connection keeps the hot part of the span
	// index in memory instead of re-reading it with a syscall per page.
	q.Add("_pragma", "cache_size(-32768)")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// NORMAL in WAL mode survives a process crash (kill -9); only a power
		// loss can take the last commits, which docs/reliability.md states.
		q.Add("_pragma", "synchronous(NORMAL)")
		// Checkpoint the WAL every ~40 MiB instead of every 4 MiB: ingest
		// commits pay for checkpoints inline, so fewer, larger ones are
		// cheaper per span.
		q.Add("_pragma", "wal_autocheckpoint(10000)")
		q.Set("_txlock", "immediate")
		if opts.MaxSizeMiB > 0 {
			q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", opts.MaxSizeMiB*(1<<20)/4096))
		}
	}
	return "file:" + path + "?" + q.Encode()
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

// Ping checks that the file can still be read.
func (s *Store) Ping(ctx context.Context) error {
	return s.r.PingContext(ctx)
}

// HoldWriteLock takes SQLite's write lock until release is called, so that
// no other process (nor this one) can write meanwhile: for a consistent
// copy of the file, and for testing how writers cope with a busy database.
func (s *Store) HoldWriteLock(ctx context.Context) (release func(), err error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("taking a connection: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("taking the write lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		_ = conn.Close()
	}, nil
}
