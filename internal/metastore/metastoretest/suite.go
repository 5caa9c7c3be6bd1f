// Package metastoretest holds the contract every metastore.Store must keep,
// as a suite that each implementation's tests run against a real database.
package metastoretest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/metastore"
	"github.com/agentstack/agentstack/internal/store"
)

// Open returns an empty store for one subtest; it registers its own cleanup.
type Open func(t *testing.T) metastore.Store

// Run runs the suite, each case on a fresh store from open.
func Run(t *testing.T, open Open) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s metastore.Store)
	}{
		{"Users", testUsers},
		{"RegistrationClosed", testRegistrationClosed},
		{"ConcurrentFirstUsers", testConcurrentFirstUsers},
		{"FirstUserAdoptsUnownedProjects", testAdoptUnowned},
		{"Projects", testProjects},
		{"KeyLookup", testKeyLookup},
		{"RotateKey", testRotateKey},
		{"DeleteProject", testDeleteProject},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			require.NoError(t, s.Ping(context.Background()))
			c.fn(t, s)
		})
	}
}

func newKey(t *testing.T) string {
	t.Helper()
	k, err := apikey.Generate()
	require.NoError(t, err)
	return k
}

func testUsers(t *testing.T, s metastore.Store) {
	ctx := context.Background()
	a, err := s.CreateUser(ctx, "  Ada@Example.com ", "hash-a", false)
	require.NoError(t, err)
	assert.True(t, a.IsAdmin, "the first user is admin")
	assert.Equal(t, "Ada@Example.com", a.Email, "the email is kept trimmed, as typed")
	assert.NotEmpty(t, a.ID)

	b, err := s.CreateUser(ctx, "bob@example.com", "hash-b", false)
	require.NoError(t, err)
	assert.False(t, b.IsAdmin, "only the first user is admin")
	assert.NotEqual(t, a.ID, b.ID)

	_, err = s.CreateUser(ctx, "ADA@example.COM", "other", false)
	assert.ErrorIs(t, err, store.ErrConflict, "emails are unique whatever their case")

	got, err := s.UserByEmail(ctx, "ada@example.com")
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	assert.Equal(t, "hash-a", got.PasswordHash)
	assert.True(t, got.IsAdmin)
	assert.WithinDuration(t, a.CreatedAt, got.CreatedAt, 1e6, "created_at round-trips (to the microsecond)")

	got, err = s.UserByID(ctx, b.ID)
	require.NoError(t, err)
	assert.Equal(t, "bob@example.com", got.Email)
	assert.False(t, got.IsAdmin)

	_, err = s.UserByEmail(ctx, "nobody@example.com")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.UserByID(ctx, "no-such-id")
	assert.ErrorIs(t, err, store.ErrNotFound)
	// A hostile value is data, not SQL.
	_, err = s.UserByEmail(ctx, "x' OR 1=1 --")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func testRegistrationClosed(t *testing.T, s metastore.Store) {
	ctx := context.Background()
	first, err := s.CreateUser(ctx, "first@example.com", "h", true)
	require.NoError(t, err, "the first user may always register")
	assert.True(t, first.IsAdmin)
	_, err = s.CreateUser(ctx, "second@example.com", "h", true)
	assert.ErrorIs(t, err, store.ErrRegistrationClosed)
	_, err = s.UserByEmail(ctx, "second@example.com")
	assert.ErrorIs(t, err, store.ErrNotFound, "a refused registration leaves nothing behind")
}

// Two replicas registering the first user at once must not both make an
// admin.
func testConcurrentFirstUsers(t *testing.T, s metastore.Store) {
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	users := make([]store.User, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			users[i], errs[i] = s.CreateUser(ctx, fmt.Sprintf("u%d@example.com", i), "h", true)
		}()
	}
	wg.Wait()
	created, admins := 0, 0
	for i := range n {
		if errs[i] != nil {
			assert.ErrorIs(t, errs[i], store.ErrRegistrationClosed)
			continue
		}
		created++
		if users[i].IsAdmin {
			admins++
		}
	}
	assert.Equal(t, 1, created, "with registration closed exactly one of the racing users is created")
	assert.Equal(t, 1, admins)
}

func testAdoptUnowned(t *testing.T, s metastore.Store) {
	ctx := context.Background()
	boot, err := s.CreateProject(ctx, "bootstrap", "", newKey(t))
	require.NoError(t, err)
	assert.Empty(t, boot.OwnerID)
	u, err := s.CreateUser(ctx, "owner@example.com", "h", false)
	require.NoError(t, err)
	ids, err := s.ProjectIDsOfOwner(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{boot.ID}, ids, "the first user takes the unowned bootstrap project")

	orphan, err := s.CreateProject(ctx, "later", "", newKey(t))
	require.NoError(t, err)
	v, err := s.CreateUser(ctx, "second@example.com", "h", false)
	require.NoError(t, err)
	ids, err = s.ProjectIDsOfOwner(ctx, v.ID)
	require.NoError(t, err)
	assert.Empty(t, ids, "later users adopt nothing")
	p, err := s.GetProject(ctx, orphan.ID)
	require.NoError(t, err)
	assert.Empty(t, p.OwnerID)
}

func testProjects(t *testing.T, s metastore.Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "p@example.com", "h", false)
	require.NoError(t, err)
	other, err := s.CreateUser(ctx, "q@example.com", "h", false)
	require.NoError(t, err)
	n, err := s.CountProjects(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)

	var made []store.Project
	for _, name := range []string{"alpha", "beta", "gamma"} {
		key := newKey(t)
		p, err := s.CreateProject(ctx, name, u.ID, key)
		require.NoError(t, err)
		assert.Equal(t, name, p.Name)
		assert.Equal(t, u.ID, p.OwnerID)
		assert.Equal(t, apikey.Hint(key), p.KeyHint)
		assert.False(t, strings.Contains(p.KeyHint, key[8:]), "the hint does not hold the secret")
		made = append(made, p)
	}
	_, err = s.CreateProject(ctx, "theirs", other.ID, newKey(t))
	require.NoError(t, err)

	n, err = s.CountProjects(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, n)

	list, err := s.ProjectsOfOwner(ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, list, 3)
	for i := range list {
		assert.Equal(t, made[i].ID, list[i].ID, "oldest first")
		assert.Equal(t, made[i].Name, list[i].Name)
		assert.Equal(t, made[i].KeyHint, list[i].KeyHint)
	}
	ids, err := s.ProjectIDsOfOwner(ctx, u.ID)
	require.NoError(t, err)
	want := []string{made[0].ID, made[1].ID, made[2].ID}
	slices.Sort(want)
	assert.Equal(t, want, ids, "ids in id order")

	got, err := s.GetProject(ctx, made[1].ID)
	require.NoError(t, err)
	assert.Equal(t, "beta", got.Name)
	assert.Equal(t, u.ID, got.OwnerID)
	assert.WithinDuration(t, made[1].CreatedAt, got.CreatedAt, 1e6)

	_, err = s.GetProject(ctx, "missing")
	assert.ErrorIs(t, err, store.ErrNotFound)
	none, err := s.ProjectsOfOwner(ctx, "x' OR 1=1 --")
	require.NoError(t, err)
	assert.Empty(t, none)
}

func testKeyLookup(t *testing.T, s metastore.Store) {
	ctx := context.Background()
	k1, k2 := newKey(t), newKey(t)
	p1, err := s.CreateProject(ctx, "one", "", k1)
	require.NoError(t, err)
	p2, err := s.CreateProject(ctx, "two", "", k2)
	require.NoError(t, err)
	id, err := s.ProjectIDByKeyDigest(ctx, apikey.Sum(k1))
	require.NoError(t, err)
	assert.Equal(t, p1.ID, id)
	id, err = s.ProjectIDByKeyDigest(ctx, apikey.Sum(k2))
	require.NoError(t, err)
	assert.Equal(t, p2.ID, id)
	_, err = s.ProjectIDByKeyDigest(ctx, apikey.Sum(newKey(t)))
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.CreateProject(ctx, "same key", "", k1)
	assert.Error(t, err, "a key digest belongs to one project only")
}

func testRotateKey(t *testing.T, s metastore.Store) {
	ctx := context.Background()
	old := newKey(t)
	p, err := s.CreateProject(ctx, "r", "", old)
	require.NoError(t, err)
	fresh := newKey(t)
	require.NoError(t, s.RotateKey(ctx, p.ID, fresh))
	_, err = s.ProjectIDByKeyDigest(ctx, apikey.Sum(old))
	assert.ErrorIs(t, err, store.ErrNotFound, "the old key stops resolving at once")
	id, err := s.ProjectIDByKeyDigest(ctx, apikey.Sum(fresh))
	require.NoError(t, err)
	assert.Equal(t, p.ID, id)
	got, err := s.GetProject(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, apikey.Hint(fresh), got.KeyHint)
	assert.False(t, got.UpdatedAt.Before(got.CreatedAt))
	assert.ErrorIs(t, s.RotateKey(ctx, "missing", newKey(t)), store.ErrNotFound)
}

func testDeleteProject(t *testing.T, s metastore.Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "d@example.com", "h", false)
	require.NoError(t, err)
	key, keep := newKey(t), newKey(t)
	p, err := s.CreateProject(ctx, "doomed", u.ID, key)
	require.NoError(t, err)
	q, err := s.CreateProject(ctx, "kept", u.ID, keep)
	require.NoError(t, err)
	require.NoError(t, s.DeleteProject(ctx, p.ID))
	_, err = s.GetProject(ctx, p.ID)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.ProjectIDByKeyDigest(ctx, apikey.Sum(key))
	assert.ErrorIs(t, err, store.ErrNotFound, "a deleted project's key stops resolving")
	ids, err := s.ProjectIDsOfOwner(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{q.ID}, ids)
	err = s.DeleteProject(ctx, p.ID)
	assert.True(t, errors.Is(err, store.ErrNotFound), "deleting twice is not found, got %v", err)
}
