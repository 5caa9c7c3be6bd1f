package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors of user registration.
var (
	// ErrConflict is returned when a unique value (an email) is taken.
	ErrConflict = errors.New("already exists")
	// ErrRegistrationClosed is returned by CreateUser with onlyFirst set
	// when a user already exists.
	ErrRegistrationClosed = errors.New("registration is closed")
)

// User is a person who signs in to the API and the dashboard.
type User struct {
	ID           string
	Email        string
	PasswordHash string
	IsAdmin      bool
	CreatedAt    time.Time
}

// CreateUser adds a user with an already-hashed password. The first user
// becomes admin and takes ownership of every project that has no owner (the
// bootstrap project), so that a fresh install's user sees the spans sent
// with the printed key. With onlyFirst set, a user is created only when
// none exists yet (registration closed). It all happens in one transaction,
// so two simultaneous first registrations cannot both become admin.
func (s *Store) CreateUser(ctx context.Context, email, passwordHash string, onlyFirst bool) (User, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return User{}, fmt.Errorf("beginning user creation: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return User{}, fmt.Errorf("counting users: %w", err)
	}
	if onlyFirst && n > 0 {
		return User{}, ErrRegistrationClosed
	}
	now := time.Now()
	u := User{ID: NewID(), Email: strings.TrimSpace(email), PasswordHash: passwordHash, IsAdmin: n == 0, CreatedAt: now}
	_, err = tx.ExecContext(ctx, `INSERT INTO users(id, email, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.PasswordHash, u.IsAdmin, now.UnixNano())
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return User{}, ErrConflict
		}
		return User{}, fmt.Errorf("creating user: %w", err)
	}
	if u.IsAdmin {
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET owner_id = ?, updated_at = ? WHERE owner_id IS NULL`,
			u.ID, now.UnixNano()); err != nil {
			return User{}, fmt.Errorf("giving unowned projects to the first user: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return User{}, fmt.Errorf("committing user: %w", err)
	}
	return u, nil
}

// UserByEmail finds a user by email, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.user(ctx, `SELECT id, email, password_hash, is_admin, created_at FROM users WHERE email = ?`, strings.TrimSpace(email))
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	return s.user(ctx, `SELECT id, email, password_hash, is_admin, created_at FROM users WHERE id = ?`, id)
}

func (s *Store) user(ctx context.Context, query string, arg string) (User, error) {
	var u User
	var created int64
	err := s.r.QueryRowContext(ctx, query, arg).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.IsAdmin, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("reading user: %w", err)
	}
	u.CreatedAt = time.Unix(0, created)
	return u, nil
}

// ProjectsOfOwner lists the projects a user owns, oldest first.
func (s *Store) ProjectsOfOwner(ctx context.Context, ownerID string) ([]Project, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, owner_id, key_hint, created_at, updated_at FROM projects
		WHERE owner_id = ? ORDER BY created_at, id`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("listing projects of %s: %w", ownerID, err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		var p Project
		var owner sql.NullString
		var created, updated int64
		if err := rows.Scan(&p.ID, &p.Name, &owner, &p.KeyHint, &created, &updated); err != nil {
			return nil, fmt.Errorf("reading project: %w", err)
		}
		p.OwnerID = owner.String
		p.CreatedAt, p.UpdatedAt = time.Unix(0, created), time.Unix(0, updated)
		out = append(out, p)
	}
	return out, rows.Err()
}

// ProjectIDsOfOwner lists the ids of the projects a user owns.
func (s *Store) ProjectIDsOfOwner(ctx context.Context, ownerID string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM projects WHERE owner_id = ? ORDER BY id`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("listing project ids of %s: %w", ownerID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
