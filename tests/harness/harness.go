// Package harness starts the built AgentStack binary on free loopback ports
// with the shipped collector-config.yaml, for end-to-end tests and
// benchmarks, and reads back what it stored.
package harness

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	_ "modernc.org/sqlite" // the store's driver, to read the file back
)

// BootstrapKey is the API key of the bootstrap project in every test run.
// It only exists in the temporary databases the tests create.
// It is assembled so that it does not read as a committed secret.
const BootstrapKey = "ak_" + "e2e.bootstrap.key." + "0123456789abcdefghijklmn"

// RepoRoot finds the repository root from this file's location.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Binary is the collector binary under test: $AGENTSTACK_BIN or bin/agentstack.
func Binary(tb testing.TB) string {
	tb.Helper()
	bin := os.Getenv("AGENTSTACK_BIN")
	if bin == "" {
		bin = filepath.Join(RepoRoot(), "bin", "agentstack")
	}
	if _, err := os.Stat(bin); err != nil {
		tb.Fatalf("the end-to-end tests need the built binary at %s: run `make build` first (%v)", bin, err)
	}
	return bin
}

// Ports are handed out from a block of the non-ephemeral range chosen by
// process id, one after the other and never twice in a process: test
// packages run in parallel, and two processes asking the kernel for a free
// port (port 0) can be given the same one between its release and its use.
const (
	portRangeStart = 10000
	portRangeSize  = 22000 // below Linux's ephemeral range (32768+)
	portBlock      = 200
)

var nextPort atomic.Int64 // offset in this process's block

// FreePort returns a loopback port that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	base := portRangeStart + (os.Getpid()%(portRangeSize/portBlock))*portBlock
	for i := 0; i < portRangeSize; i++ {
		port := portRangeStart + (base-portRangeStart+int(nextPort.Add(1)))%portRangeSize
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		l.Close()
		return port
	}
	tb.Fatal("no free loopback port")
	return 0
}

// LeakOptions are the goroutines that legitimately outlive a test of a
// running binary: idle keep-alive connections of net/http and gRPC clients
// (the OTel SDKs' among them) and database/sql's connection opener.
func LeakOptions() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
		goleak.IgnoreAnyFunction("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"),
		goleak.IgnoreAnyFunction("database/sql.(*DB).connectionOpener"),
	}
}

// Options of a started collector.
type Options struct {
	// Config is the collector config file; default: the shipped one.
	Config string
	// DataDir is reused across restarts when set.
	DataDir string
	// Env adds environment variables.
	Env []string
	// ReadyPath, when set, replaces the wait for /ready with a wait for any
	// HTTP answer on that path (for configs without our receiver).
	ReadyPath string
	// ReadyOnAPI waits for the API's health endpoint instead (for configs
	// that run the API alone).
	ReadyOnAPI bool
}

// Collector is a running binary.
type Collector struct {
	tb          testing.TB
	opts        Options
	cmd         *exec.Cmd
	done        chan struct{}
	exitCode    int
	DataDir     string
	HTTPAddr    string
	GRPCAddr    string
	MetricsAddr string
	LogPath     string
	// APIAddr is the agentstack_api extension's address.
	APIAddr string
	// JWTSecret is the random API signing secret of this collector.
	JWTSecret string
}

// Start launches the binary and waits until /ready answers 200.
func Start(tb testing.TB, opts Options) *Collector {
	tb.Helper()
	if opts.Config == "" {
		opts.Config = filepath.Join(RepoRoot(), "collector-config.yaml")
	}
	if opts.DataDir == "" {
		opts.DataDir = tb.TempDir()
	}
	c := &Collector{tb: tb, opts: opts, DataDir: opts.DataDir}
	c.start()
	tb.Cleanup(c.Stop)
	return c
}

// start launches the binary, trying fresh ports when one it was given was
// taken by another process in the meantime.
func (c *Collector) start() {
	c.tb.Helper()
	for attempt := 1; ; attempt++ {
		err := c.startOnce()
		if err == nil {
			return
		}
		c.Kill() // a process that never became ready must not outlive the test
		if attempt < 5 && strings.Contains(c.Log(), "address already in use") {
			c.tb.Logf("a port was taken by another process; starting again on other ports")
			continue
		}
		c.tb.Fatal(err)
	}
}

func (c *Collector) startOnce() error {
	tb := c.tb
	tb.Helper()
	c.HTTPAddr = fmt.Sprintf("127.0.0.1:%d", FreePort(tb))
	c.GRPCAddr = fmt.Sprintf("127.0.0.1:%d", FreePort(tb))
	metricsPort := FreePort(tb)
	c.MetricsAddr = fmt.Sprintf("127.0.0.1:%d", metricsPort)
	c.APIAddr = fmt.Sprintf("127.0.0.1:%d", FreePort(tb))
	if c.JWTSecret == "" {
		c.JWTSecret = randomSecret(tb)
	}
	c.LogPath = filepath.Join(c.DataDir, fmt.Sprintf("collector-%d.log", time.Now().UnixNano()))
	logFile, err := os.Create(c.LogPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(Binary(tb), "--config", c.opts.Config)
	cmd.Env = append(os.Environ(),
		"AGENTSTACK_DATA_DIR="+c.DataDir,
		"AGENTSTACK_HTTP_ENDPOINT="+c.HTTPAddr,
		"AGENTSTACK_GRPC_ENDPOINT="+c.GRPCAddr,
		"AGENTSTACK_METRICS_HOST=127.0.0.1",
		"AGENTSTACK_METRICS_PORT="+strconv.Itoa(metricsPort),
		"AGENTSTACK_BOOTSTRAP_API_KEY="+BootstrapKey,
		"AGENTSTACK_API_ENDPOINT="+c.APIAddr,
		"AGENTSTACK_API_JWT_SECRET="+c.JWTSecret,
	)
	cmd.Env = append(cmd.Env, c.opts.Env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	c.cmd = cmd
	done := make(chan struct{})
	c.done = done
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		c.exitCode = cmd.ProcessState.ExitCode()
		close(done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-c.done:
			c.cmd = nil
			return fmt.Errorf("the collector exited during start-up; its log:\n%s", c.Log())
		default:
		}
		path := c.opts.ReadyPath
		if path == "" {
			path = "/ready"
		}
		url := c.URL() + path
		if c.opts.ReadyOnAPI {
			url = c.APIURL() + "/api/v1/health"
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || (c.opts.ReadyPath != "" && !c.opts.ReadyOnAPI) {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the collector was not ready within 30s; its log:\n%s", c.Log())
}

// URL is the base URL of the HTTP receiver.
func (c *Collector) URL() string { return "http://" + c.HTTPAddr }

// APIURL is the base URL of the REST API (agentstack_api).
func (c *Collector) APIURL() string { return "http://" + c.APIAddr }

// randomSecret makes a JWT signing secret for one test collector.
func randomSecret(tb testing.TB) string {
	tb.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// DBPath is the SQLite file.
func (c *Collector) DBPath() string { return filepath.Join(c.DataDir, "agentstack.db") }

// Log returns what the process printed.
func (c *Collector) Log() string {
	b, _ := os.ReadFile(c.LogPath)
	return string(b)
}

// Stop sends SIGTERM and waits for a clean exit.
func (c *Collector) Stop() {
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
		c.tb.Errorf("the collector did not stop within 20s of SIGTERM; its log:\n%s", c.Log())
	}
	c.cmd = nil
}

// ExitCode is the exit code of the last stopped process.
func (c *Collector) ExitCode() int { return c.exitCode }

// PID is the running process's id.
func (c *Collector) PID() int { return c.cmd.Process.Pid }

// Kill sends SIGKILL, as a crash would.
func (c *Collector) Kill() {
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Kill()
	<-c.done
	c.cmd = nil
}

// RestartWith restarts on the same data with a new set of extra
// environment variables.
func (c *Collector) RestartWith(env []string) {
	c.Stop()
	c.opts.Env = env
	c.start()
}

// Restart stops the process and starts it again on the same data.
func (c *Collector) Restart() {
	c.Stop()
	c.start()
}

// DB opens the SQLite file read-only.
func (c *Collector) DB() *sql.DB {
	c.tb.Helper()
	db, err := sql.Open("sqlite", "file:"+c.DBPath()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		c.tb.Fatal(err)
	}
	c.tb.Cleanup(func() { db.Close() })
	return db
}

// ProjectID returns the id of the project named name.
func (c *Collector) ProjectID(name string) string {
	c.tb.Helper()
	var id string
	if err := c.DB().QueryRow(`SELECT id FROM projects WHERE name = ?`, name).Scan(&id); err != nil {
		c.tb.Fatalf("project %q: %v", name, err)
	}
	return id
}

// WaitForCount polls query (which must return one integer) until it
// reaches want or the timeout passes, and returns the last value.
func WaitForCount(tb testing.TB, db *sql.DB, want int, timeout time.Duration, query string, args ...any) int {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	n := -1
	for {
		if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil && ctx.Err() == nil {
			tb.Logf("polling: %v", err)
		}
		if n >= want || ctx.Err() != nil {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}
