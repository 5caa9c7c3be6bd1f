// Package postgres is the metadata store (users, projects, API key
// digests) on PostgreSQL, shared by every gateway and API replica of a
// scaled-out deployment. It keeps the contract of internal/metastore and
// returns the store package's types and errors.
package postgres

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/metastore"
	"github.com/agentstack/agentstack/internal/store"
)

// Options tune the connection pool.
type Options struct {
	// MaxConns bounds the pool (0: pgxpool's default, 4 or the CPU count).
	MaxConns int32
	// Migrate applies pending migrations on Open.
	Migrate bool
}

// Store is the PostgreSQL metadata store.
type Store struct {
	pool *pgxpool.Pool
}

var _ metastore.Store = (*Store)(nil)

// Open connects to dsn (a postgres:// URL or key=value string) and, with
// opts.Migrate, brings the schema up to date.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message can quote the DSN, password included.
		return nil, errors.New("parsing the PostgreSQL DSN: it must be a postgres:// URL or a key=value string")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	if opts.Migrate {
		if _, err := Migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, fmt.Errorf("migrating the metadata schema: %w", err)
		}
	}
	return &Store{pool: pool}, nil
}

// Close closes the pool.
func (s *Store) Close() { s.pool.Close() }

// Pool exposes the pool (for the migrate command and tests).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// isUniqueViolation reports a unique-constraint violation (SQLSTATE 23505).
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// CreateUser implements metastore.Store. The table lock serialises user
// creation (rare) so that two first registrations on two replicas cannot
// both count zero users and both become admin.
func (s *Store) CreateUser(ctx context.Context, email, passwordHash string, onlyFirst bool) (store.User, error) {
	var u store.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("locking users: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return fmt.Errorf("counting users: %w", err)
		}
		if onlyFirst && n > 0 {
			return store.ErrRegistrationClosed
		}
		now := time.Now()
		u = store.User{ID: store.NewID(), Email: strings.TrimSpace(email), PasswordHash: passwordHash, IsAdmin: n == 0, CreatedAt: now}
		if _, err := tx.Exec(ctx, `INSERT INTO users(id, email, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5)`,
			u.ID, u.Email, u.PasswordHash, u.IsAdmin, now); err != nil {
			if isUniqueViolation(err) {
				return store.ErrConflict
			}
			return fmt.Errorf("creating user: %w", err)
		}
		if u.IsAdmin {
			if _, err := tx.Exec(ctx, `UPDATE projects SET owner_id = $1, updated_at = $2 WHERE owner_id IS NULL`, u.ID, now); err != nil {
				return fmt.Errorf("giving unowned projects to the first user: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return store.User{}, err
	}
	return u, nil
}

const userColumns = `id, email, password_hash, is_admin, created_at`

// UserByEmail implements metastore.Store, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (store.User, error) {
	return s.user(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, strings.TrimSpace(email))
}

// UserByID implements metastore.Store.
func (s *Store) UserByID(ctx context.Context, id string) (store.User, error) {
	return s.user(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
}

func (s *Store) user(ctx context.Context, query, arg string) (store.User, error) {
	var u store.User
	err := s.pool.QueryRow(ctx, query, arg).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.IsAdmin, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.User{}, store.ErrNotFound
	}
	if err != nil {
		return store.User{}, fmt.Errorf("reading user: %w", err)
	}
	return u, nil
}

const projectColumns = `id, name, COALESCE(owner_id, ''), key_hint, created_at, updated_at`

func scanProject(row pgx.Row) (store.Project, error) {
	var p store.Project
	err := row.Scan(&p.ID, &p.Name, &p.OwnerID, &p.KeyHint, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// ProjectsOfOwner implements metastore.Store.
func (s *Store) ProjectsOfOwner(ctx context.Context, ownerID string) ([]store.Project, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+projectColumns+` FROM projects WHERE owner_id = $1 ORDER BY created_at, id`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("listing projects of %s: %w", ownerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Project, error) { return scanProject(r) })
	if err != nil {
		return nil, fmt.Errorf("reading projects of %s: %w", ownerID, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// ProjectIDsOfOwner implements metastore.Store.
func (s *Store) ProjectIDsOfOwner(ctx context.Context, ownerID string) ([]string, error) {
	// COLLATE "C" orders ids bytewise, as SQLite does, whatever the
	// database's locale.
	rows, err := s.pool.Query(ctx, `SELECT id FROM projects WHERE owner_id = $1 ORDER BY id COLLATE "C"`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("listing project ids of %s: %w", ownerID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("reading project ids of %s: %w", ownerID, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// GetProject implements metastore.Store.
func (s *Store) GetProject(ctx context.Context, id string) (store.Project, error) {
	p, err := scanProject(s.pool.QueryRow(ctx, `SELECT `+projectColumns+` FROM projects WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Project{}, store.ErrNotFound
	}
	if err != nil {
		return store.Project{}, fmt.Errorf("reading project %s: %w", id, err)
	}
	return p, nil
}

// CreateProject implements metastore.Store.
func (s *Store) CreateProject(ctx context.Context, name, ownerID, key string) (store.Project, error) {
	now := time.Now()
	p := store.Project{ID: store.NewID(), Name: name, OwnerID: ownerID, KeyHint: apikey.Hint(key), CreatedAt: now, UpdatedAt: now}
	d := apikey.Sum(key)
	_, err := s.pool.Exec(ctx, `INSERT INTO projects(id, name, owner_id, key_digest, key_hint, created_at, updated_at)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $6)`, p.ID, p.Name, p.OwnerID, d[:], p.KeyHint, now)
	if err != nil {
		if isUniqueViolation(err) {
			return store.Project{}, fmt.Errorf("creating project %q: %w", name, store.ErrConflict)
		}
		return store.Project{}, fmt.Errorf("creating project %q: %w", name, err)
	}
	return p, nil
}

// RotateKey implements metastore.Store.
func (s *Store) RotateKey(ctx context.Context, projectID, newKey string) error {
	d := apikey.Sum(newKey)
	tag, err := s.pool.Exec(ctx, `UPDATE projects SET key_digest = $1, key_hint = $2, updated_at = $3 WHERE id = $4`,
		d[:], apikey.Hint(newKey), time.Now(), projectID)
	if err != nil {
		return fmt.Errorf("rotating key of project %s: %w", projectID, err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// DeleteProject implements metastore.Store. Only the metadata lives here;
// the project's spans are in the trace store, which deletes them itself
// (or lets them age out under its TTL).
func (s *Store) DeleteProject(ctx context.Context, projectID string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM projects WHERE id = $1`, projectID)
	if err != nil {
		return fmt.Errorf("deleting project %s: %w", projectID, err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// CountProjects implements metastore.Store.
func (s *Store) CountProjects(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM projects`).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting projects: %w", err)
	}
	return n, nil
}

// ProjectIDByKeyDigest implements metastore.Store through the unique index
// on key_digest; the final word is a constant-time compare, as in the
// embedded store.
func (s *Store) ProjectIDByKeyDigest(ctx context.Context, d apikey.Digest) (string, error) {
	var id string
	var stored []byte
	err := s.pool.QueryRow(ctx, `SELECT id, key_digest FROM projects WHERE key_digest = $1`, d[:]).Scan(&id, &stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("looking up api key: %w", err)
	}
	if subtle.ConstantTimeCompare(stored, d[:]) != 1 {
		return "", store.ErrNotFound
	}
	return id, nil
}
