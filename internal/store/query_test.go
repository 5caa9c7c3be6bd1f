package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/internal/apikey"
)

func newProject(t *testing.T, s *Store, name, owner string) Project {
	t.Helper()
	key, err := apikey.Generate()
	require.NoError(t, err)
	p, err := s.CreateProject(context.Background(), name, owner, key)
	require.NoError(t, err)
	return p
}

// writeTraces stores n one-span traces in project p, trace i starting at
// base+i ns and lasting (i%7+1) ms.
func writeTraces(t *testing.T, s *Store, p string, n int, base int64) {
	t.Helper()
	var b Batch
	for i := 0; i < n; i++ {
		start := base + int64(i)
		b.Spans = append(b.Spans, Span{ProjectID: p, TraceID: fmt.Sprintf("%s-%04d", p[:6], i), SpanID: "0000000000000001",
			Name: "root", StartNs: start, EndNs: start + int64(i%7+1)*1e6, CostUSD: float64(i % 5)})
	}
	_, err := s.WriteBatch(context.Background(), b)
	require.NoError(t, err)
}

func TestListTracesAcrossProjectsPagesLikeOneSortedList(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a, b := newProject(t, s, "a", ""), newProject(t, s, "b", "")
	writeTraces(t, s, a.ID, 30, 1000)
	writeTraces(t, s, b.ID, 25, 1010)
	both := []string{a.ID, b.ID}

	for _, sortKey := range []string{SortStartTime, SortDuration, SortCost, SortSpanCount} {
		for _, asc := range []bool{false, true} {
			all, total, err := s.ListTraces(ctx, TraceFilter{ProjectIDs: both, Sort: sortKey, Asc: asc, Limit: 1000})
			require.NoError(t, err)
			require.Equal(t, 55, total)
			require.Len(t, all, 55)
			var paged []Trace
			for off := 0; off < 55; off += 8 {
				page, total, err := s.ListTraces(ctx, TraceFilter{ProjectIDs: both, Sort: sortKey, Asc: asc, Limit: 8, Offset: off})
				require.NoError(t, err)
				assert.Equal(t, 55, total)
				paged = append(paged, page...)
			}
			assert.Equal(t, all, paged, "%s asc=%v: pages concatenate to the full list", sortKey, asc)
			for i := 1; i < len(all); i++ {
				x, y := all[i-1], all[i]
				key := map[string]func(Trace) float64{
					SortStartTime: func(t Trace) float64 { return float64(t.StartNs) },
					SortDuration:  func(t Trace) float64 { return float64(t.DurationNs) },
					SortCost:      func(t Trace) float64 { return t.CostUSD },
					SortSpanCount: func(t Trace) float64 { return float64(t.SpanCount) },
				}[sortKey]
				if asc {
					assert.LessOrEqual(t, key(x), key(y), "%s asc at %d", sortKey, i)
				} else {
					assert.GreaterOrEqual(t, key(x), key(y), "%s desc at %d", sortKey, i)
				}
			}
		}
	}

	// A filter counts by scanning; no filter reads project_stats.
	_, total, err := s.ListTraces(ctx, TraceFilter{ProjectIDs: both, MinCostUSD: 4})
	require.NoError(t, err)
	assert.Equal(t, 6+5, total)
	_, total, err = s.ListTraces(ctx, TraceFilter{ProjectIDs: []string{b.ID}})
	require.NoError(t, err)
	assert.Equal(t, 25, total)
}

func TestProjectStatsFollowInsertsAndDeletes(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a, b := newProject(t, s, "a", ""), newProject(t, s, "b", "")
	writeTraces(t, s, a.ID, 10, 0)
	writeTraces(t, s, a.ID, 10, 0) // a replay: no new trace
	writeTraces(t, s, b.ID, 3, 0)
	count := func(p string) int {
		var n int
		err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(trace_count), 0) FROM project_stats WHERE project_id = ?`, p).Scan(&n)
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, 10, count(a.ID))
	assert.Equal(t, 3, count(b.ID))
	require.NoError(t, s.DeleteProject(ctx, a.ID))
	assert.Equal(t, 0, count(a.ID))
	var rows int
	require.NoError(t, s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_stats WHERE project_id = ?`, a.ID).Scan(&rows))
	assert.Zero(t, rows, "the deleted project's row is gone")
	assert.Equal(t, 3, count(b.ID))
}

func TestFirstUserTakesUnownedProjects(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	boot := newProject(t, s, "default", "")
	u1, err := s.CreateUser(ctx, "a@example.com", "hash", true)
	require.NoError(t, err)
	assert.True(t, u1.IsAdmin)
	p, err := s.GetProject(ctx, boot.ID)
	require.NoError(t, err)
	assert.Equal(t, u1.ID, p.OwnerID)

	_, err = s.CreateUser(ctx, "b@example.com", "hash", true)
	assert.ErrorIs(t, err, ErrRegistrationClosed)
	newProject(t, s, "orphan", "")
	u2, err := s.CreateUser(ctx, "b@example.com", "hash", false)
	require.NoError(t, err)
	assert.False(t, u2.IsAdmin)
	ids, err := s.ProjectIDsOfOwner(ctx, u2.ID)
	require.NoError(t, err)
	assert.Empty(t, ids, "only the first user takes unowned projects")
	_, err = s.CreateUser(ctx, "A@EXAMPLE.COM", "hash", false)
	assert.ErrorIs(t, err, ErrConflict)
	got, err := s.UserByEmail(ctx, "A@example.com")
	require.NoError(t, err)
	assert.Equal(t, u1.ID, got.ID)
}

func TestSummarizeNarrowAndWideRanges(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a, b := newProject(t, s, "a", ""), newProject(t, s, "b", "")
	writeTraces(t, s, a.ID, 100, 1000)
	writeTraces(t, s, b.ID, 50, 1000)
	both := []string{a.ID, b.ID}

	// Trace i of writeTraces starts at 1000+i and lasts (i%7+1) ms.
	expect := func(lo, hi int64) Summary {
		var want Summary
		var ds []int64
		for _, n := range []int{100, 50} {
			for i := 0; i < n; i++ {
				if st := int64(1000 + i); st >= lo && st <= hi {
					want.TraceCount++
					want.SpanCount++
					want.CostUSD += float64(i % 5)
					ds = append(ds, int64(i%7+1)*1e6)
				}
			}
		}
		slices.Sort(ds)
		want.P50Ns = ds[int(math.Ceil(0.5*float64(len(ds))))-1]
		want.P95Ns = ds[int(math.Ceil(0.95*float64(len(ds))))-1]
		return want
	}
	// Wide (sequential scan) and narrow (index) ranges give exact answers.
	for _, r := range [][2]int64{{0, 1 << 40}, {1010, 1060}, {1003, 1005}} {
		got, err := s.Summarize(ctx, both, r[0], r[1])
		require.NoError(t, err)
		assert.Equal(t, expect(r[0], r[1]), got, "range %v", r)
	}
	empty, err := s.Summarize(ctx, both, 0, 10)
	require.NoError(t, err)
	assert.Equal(t, Summary{}, empty)
}
