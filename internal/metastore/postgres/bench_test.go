package postgres

import (
	"context"
	"testing"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/pgtest"
)

// BenchmarkProjectIDByKeyDigest measures one uncached API key lookup (what
// a gateway does once per key per cache TTL) among 10,000 projects.
func BenchmarkProjectIDByKeyDigest(b *testing.B) {
	srv := pgtest.Start(b)
	ctx := context.Background()
	s, err := Open(ctx, srv.NewDatabase(b), Options{MaxConns: 4, Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 10000
	digests := make([]apikey.Digest, n)
	for i := range n {
		key, err := apikey.Generate()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.CreateProject(ctx, "p", "", key); err != nil {
			b.Fatal(err)
		}
		digests[i] = apikey.Sum(key)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.ProjectIDByKeyDigest(ctx, digests[i%n]); err != nil {
				b.Error(err)
				return
			}
			i += 7
		}
	})
}
