package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/agentstack/agentstack/internal/apikey"
)

// Project is a tenant: every span belongs to exactly one.
type Project struct {
	ID        string
	Name      string
	OwnerID   string
	KeyHint   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NewID returns a random 128-bit identifier in hex.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CreateProject creates a project with the given key (generate one with
// apikey.Generate). Only the key's digest is stored.
func (s *Store) CreateProject(ctx context.Context, name, ownerID, key string) (Project, error) {
	now := time.Now()
	p := Project{ID: NewID(), Name: name, OwnerID: ownerID, KeyHint: apikey.Hint(key), CreatedAt: now, UpdatedAt: now}
	d := apikey.Sum(key)
	_, err := s.w.ExecContext(ctx, `INSERT INTO projects(id, name, owner_id, key_digest, key_hint, created_at, updated_at)
		VALUES (?, ?, NULLIF(?, ''), ?, ?, ?, ?)`, p.ID, p.Name, p.OwnerID, d[:], p.KeyHint, now.UnixNano(), now.UnixNano())
	if err != nil {
		return Project{}, fmt.Errorf("creating project %q: %w", name, err)
	}
	return p, nil
}

// ProjectIDByKeyDigest resolves an API key digest to its project through the
// unique index on key_digest.
func (s *Store) ProjectIDByKeyDigest(ctx context.Context, d apikey.Digest) (string, error) {
	var id string
	var stored []byte
	err := s.r.QueryRowContext(ctx, `SELECT id, key_digest FROM projects WHERE key_digest = ?`, d[:]).Scan(&id, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("looking up api key: %w", err)
	}
	// The index found the row; the final word is a constant-time compare.
	if subtle.ConstantTimeCompare(stored, d[:]) != 1 {
		return "", ErrNotFound
	}
	return id, nil
}

// RotateKey replaces a project's key; the old one stops resolving at once
// (callers' caches expire it within their TTL).
func (s *Store) RotateKey(ctx context.Context, projectID, newKey string) error {
	d := apikey.Sum(newKey)
	res, err := s.w.ExecContext(ctx, `UPDATE projects SET key_digest = ?, key_hint = ?, updated_at = ? WHERE id = ?`,
		d[:], apikey.Hint(newKey), time.Now().UnixNano(), projectID)
	if err != nil {
		return fmt.Errorf("rotating key of project %s: %w", projectID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteProject removes a project with its spans, traces, alerts and costs.
func (s *Store) DeleteProject(ctx context.Context, projectID string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, table := range []string{"spans", "traces", "alerts", "cost_hourly", "logs"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE project_id = ?`, projectID); err != nil {
			return fmt.Errorf("deleting %s of project %s: %w", table, projectID, err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM projects WHERE id = ?`, projectID)
	if err != nil {
		return fmt.Errorf("deleting project %s: %w", projectID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return tx.Commit()
}

// CountProjects counts all projects.
func (s *Store) CountProjects(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects`).Scan(&n)
	return n, err
}

// GetProject returns one project.
func (s *Store) GetProject(ctx context.Context, id string) (Project, error) {
	var p Project
	var owner sql.NullString
	var created, updated int64
	err := s.r.QueryRowContext(ctx, `SELECT id, name, owner_id, key_hint, created_at, updated_at FROM projects WHERE id = ?`, id).
		Scan(&p.ID, &p.Name, &owner, &p.KeyHint, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Project{}, ErrNotFound
	}
	if err != nil {
		return Project{}, fmt.Errorf("reading project %s: %w", id, err)
	}
	p.OwnerID = owner.String
	p.CreatedAt, p.UpdatedAt = time.Unix(0, created), time.Unix(0, updated)
	return p, nil
}
