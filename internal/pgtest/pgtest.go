// Package pgtest starts a throwaway PostgreSQL server for integration
// tests: Debian's postgresql binaries, a cluster made with initdb in a
// temporary directory, listening on a free loopback port. It never skips:
// without the server binaries the test fails and says what to install.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a running PostgreSQL cluster owned by one test.
type Server struct {
	bin     string
	dataDir string
	port    int
	// asUser runs the server's commands as this system user (postgres)
	// when the test runs as root, which PostgreSQL refuses.
	asUser string
}

// BinDir finds the newest installed PostgreSQL server's bin directory.
func BinDir() (string, error) {
	if dir := os.Getenv("AGENTSTACK_PG_BINDIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			return "", fmt.Errorf("AGENTSTACK_PG_BINDIR=%s has no initdb: %w", dir, err)
		}
		return dir, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", fmt.Errorf("PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb): run `apt-get install postgresql`")
	}
	sort.Slice(matches, func(i, j int) bool { return majorOf(matches[i]) > majorOf(matches[j]) })
	return filepath.Dir(matches[0]), nil
}

func majorOf(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// Start creates and starts a cluster and stops it when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := BinDir()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{bin: bin}
	// t.TempDir is private to root; the postgres user needs its own tree.
	root, err := os.MkdirTemp("", "agentstack-pgtest-")
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(root) })
	s.dataDir = filepath.Join(root, "data")
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			tb.Fatalf("pgtest: running as root needs the postgres system user that `apt-get install postgresql` creates: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(root, 0o755); err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
		if err := os.Chown(root, uid, gid); err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
		s.asUser = "postgres"
	}
	if out, err := s.run(filepath.Join(bin, "initdb"), "-D", s.dataDir, "-U", "postgres", "--auth=trust",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		tb.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	logFile := filepath.Join(root, "server.log")
	var lastErr error
	// The free port can be taken between the probe and the server's bind;
	// a few tries make that race harmless.
	for range 5 {
		s.port, err = freePort()
		if err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
			s.port, root)
		out, err := s.run(filepath.Join(bin, "pg_ctl"), "-D", s.dataDir, "-o", opts, "-l", logFile, "-w", "-t", "60", "start")
		if err == nil {
			lastErr = nil
			break
		}
		log, _ := os.ReadFile(logFile)
		lastErr = fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	if lastErr != nil {
		tb.Fatalf("pgtest: %v", lastErr)
	}
	tb.Cleanup(func() {
		if out, err := s.run(filepath.Join(bin, "pg_ctl"), "-D", s.dataDir, "-m", "immediate", "-w", "stop"); err != nil {
			tb.Errorf("pgtest: pg_ctl stop: %v\n%s", err, out)
		}
	})
	return s
}

func (s *Server) run(name string, args ...string) ([]byte, error) {
	if s.asUser != "" {
		args = append([]string{"-u", s.asUser, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = "/"
	return cmd.CombinedOutput()
}

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// DSN is the URL of database db as the superuser.
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// NewDatabase creates an empty database with a random name and returns
// its DSN, so that tests sharing a server do not see each other's rows.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		tb.Fatalf("pgtest: connecting: %v", err)
	}
	defer conn.Close(ctx)
	// A database name is an identifier: it cannot be a bind parameter,
	// and this one is made of hex digits only.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("pgtest: creating database: %v", err)
	}
	return s.DSN(name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
