// Package metastore is the interface to AgentStack's metadata: users,
// projects and the digests of their API keys. The embedded SQLite store
// implements it; internal/metastore/postgres implements it on PostgreSQL for
// deployments where several gateways and API replicas share one database.
//
// Both implementations return the store package's types and errors
// (store.ErrNotFound, store.ErrConflict, store.ErrRegistrationClosed), so
// callers need not know which one they hold.
package metastore

import (
	"context"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/store"
)

// Store holds users, projects and key digests.
type Store interface {
	// Ping checks that the database answers.
	Ping(ctx context.Context) error

	// CreateUser adds a user with an already-hashed password. The first
	// user becomes admin and takes every project that has no owner. With
	// onlyFirst set, it fails with store.ErrRegistrationClosed once a user
	// exists; an email taken (case-insensitively) is store.ErrConflict.
	CreateUser(ctx context.Context, email, passwordHash string, onlyFirst bool) (store.User, error)
	UserByEmail(ctx context.Context, email string) (store.User, error)
	UserByID(ctx context.Context, id string) (store.User, error)

	// ProjectsOfOwner lists a user's projects, oldest first.
	ProjectsOfOwner(ctx context.Context, ownerID string) ([]store.Project, error)
	// ProjectIDsOfOwner lists the ids of a user's projects, in id order.
	ProjectIDsOfOwner(ctx context.Context, ownerID string) ([]string, error)
	GetProject(ctx context.Context, id string) (store.Project, error)
	// CreateProject stores only the digest and the hint of key.
	CreateProject(ctx context.Context, name, ownerID, key string) (store.Project, error)
	// RotateKey replaces a project's key; the old key stops resolving.
	RotateKey(ctx context.Context, projectID, newKey string) error
	// DeleteProject removes the project (and, where the same database holds
	// them, its spans).
	DeleteProject(ctx context.Context, projectID string) error
	CountProjects(ctx context.Context) (int, error)

	// ProjectIDByKeyDigest resolves a key digest, store.ErrNotFound when
	// no project has it.
	ProjectIDByKeyDigest(ctx context.Context, d apikey.Digest) (string, error)
}

var _ Store = (*store.Store)(nil)
