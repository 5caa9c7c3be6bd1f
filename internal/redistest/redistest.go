// Package redistest runs a real redis-server (Debian's package) for tests:
// one private process per test, on a free loopback port, in a temp dir,
// without persistence, stopped at test cleanup. Stop and Start simulate an
// outage on the same port.
package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is the server program looked up on PATH.
const Binary = "redis-server"

const (
	readyTimeout = 10 * time.Second
	stopTimeout  = 10 * time.Second
)

type options struct {
	password string
	binary   string
}

// Option changes how the server is started.
type Option func(*options)

// WithPassword starts the server with --requirepass, so clients must AUTH.
func WithPassword(pw string) Option { return func(o *options) { o.password = pw } }

// WithBinary runs another program than redis-server (tests of this package).
func WithBinary(path string) Option { return func(o *options) { o.binary = path } }

// Server is one redis-server process owned by a test.
type Server struct {
	t    testing.TB
	opts options
	port int
	dir  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs a server and waits until it answers PING. A missing
// redis-server fails the test: these tests never skip.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, opts: options{binary: Binary}}
	for _, o := range opts {
		o(&s.opts)
	}
	path, err := exec.LookPath(s.opts.binary)
	if err != nil {
		t.Fatalf("redistest: %s is not installed (%v): install it with `apt-get install redis-server`", s.opts.binary, err)
		return nil
	}
	s.opts.binary = path
	s.dir = t.TempDir()
	s.port, err = freePort()
	if err != nil {
		t.Fatalf("redistest: finding a free port: %v", err)
		return nil
	}
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Password is the password the server requires, if any.
func (s *Server) Password() string { return s.opts.password }

// Start (re)starts a stopped server on the same port, empty, and waits for
// PING. Starting a running server does nothing.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	args := []string{
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--daemonize", "no", "--logfile", "",
	}
	if s.opts.password != "" {
		args = append(args, "--requirepass", s.opts.password)
	}
	logPath := filepath.Join(s.dir, "redis.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.t.Fatalf("redistest: %v", err)
		return
	}
	defer logFile.Close()
	cmd := exec.Command(s.opts.binary, args...)
	cmd.Dir = s.dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// Its own process group, so a Ctrl-C of `go test` does not race the
	// cleanup, and nothing outlives the test binary unnoticed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("redistest: starting %s: %v", s.opts.binary, err)
		return
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	if err := s.waitReady(done); err != nil {
		s.stopLocked()
		s.t.Fatalf("redistest: %s on %s: %v\n%s", s.opts.binary, s.Addr(), err, tail(logPath))
	}
}

// Stop ends the server (SIGTERM, then SIGKILL) and waits for it; the data
// is gone. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *Server) stopLocked() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd, s.done = nil, nil
}

// waitReady polls with PING (after AUTH when a password is set) until the
// server answers PONG, the process exits, or readyTimeout passes.
func (s *Server) waitReady(exited <-chan struct{}) error {
	deadline := time.Now().Add(readyTimeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("the server exited during start")
		default:
		}
		if last = s.ping(); last == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no PONG within %s: %w", readyTimeout, last)
}

func (s *Server) ping() error {
	c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	cmds := "PING\r\n"
	if s.opts.password != "" {
		cmds = fmt.Sprintf("*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n", len(s.opts.password), s.opts.password) + cmds
	}
	if _, err := c.Write([]byte(cmds)); err != nil {
		return err
	}
	r := bufio.NewReader(c)
	if s.opts.password != "" {
		line, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, "+OK") {
			return fmt.Errorf("AUTH answered %q", strings.TrimSpace(line))
		}
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
