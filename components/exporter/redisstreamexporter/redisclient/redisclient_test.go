package redisclient

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestDescribeSaysAuthenticationFailedWithoutThePassword(t *testing.T) {
	c := NewDefaultConfig()
	c.Username, c.Password = "api", "pa55word"
	err := c.Describe(errors.New("WRONGPASS invalid username-password pair or user is disabled."), "adding spans")
	assert.ErrorContains(t, err, `redis authentication failed at localhost:6379 as user "api"`)
	assert.NotContains(t, err.Error(), "pa55word")

	c.Username, c.Password = "", ""
	err = c.Describe(errors.New("NOAUTH Authentication required."), "adding spans")
	assert.ErrorContains(t, err, "the server requires a password")

	err = c.Describe(errors.New("dial tcp: connection refused"), "adding spans")
	assert.EqualError(t, err, "adding spans at localhost:6379: dial tcp: connection refused")
	assert.False(t, IsAuthError(nil))
}

func TestValidate(t *testing.T) {
	c := NewDefaultConfig()
	require.NoError(t, c.Validate())
	c.Endpoint, c.DB, c.Username = "no-port", -1, "u"
	err := c.Validate()
	for _, field := range []string{"endpoint:", "db:", "password:"} {
		assert.ErrorContains(t, err, field)
	}
}

func TestBadTLSFilesFailTheClient(t *testing.T) {
	c := NewDefaultConfig()
	c.TLS.Insecure = false
	c.TLS.CAFile = "/nonexistent/ca.pem"
	_, err := c.NewClient(context.Background(), 0)
	assert.ErrorContains(t, err, "tls:")
}
