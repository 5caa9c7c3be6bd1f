package redistest

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// send writes one inline command and returns the first reply line.
func send(t *testing.T, addr, cmd string) (string, error) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(2*time.Second)))
	_, err = fmt.Fprintf(c, "%s\r\n", cmd)
	require.NoError(t, err)
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

func TestStopAndStartKeepThePortAndLoseTheData(t *testing.T) {
	s := Start(t)
	reply, err := send(t, s.Addr(), "SET k v")
	require.NoError(t, err)
	assert.Equal(t, "+OK", reply)

	s.Stop()
	_, err = send(t, s.Addr(), "PING")
	require.Error(t, err, "a stopped server must refuse connections")

	s.Start()
	reply, err = send(t, s.Addr(), "EXISTS k")
	require.NoError(t, err)
	assert.Equal(t, ":0", reply, "the server runs without persistence")
	s.Stop()
	s.Stop() // idempotent, and Cleanup stops again
}

func TestPasswordIsRequired(t *testing.T) {
	s := Start(t, WithPassword("s3cret"))
	assert.Equal(t, "s3cret", s.Password())
	reply, err := send(t, s.Addr(), "PING")
	require.NoError(t, err)
	assert.Contains(t, reply, "NOAUTH")
}

type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

func TestMissingServerFailsTheTestWithTheInstallCommand(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	s := Start(rec, WithBinary("redis-server-that-does-not-exist"))
	assert.Nil(t, s)
	assert.Contains(t, rec.msg, "apt-get install redis-server")
}
