package auth

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/crypto/bcrypt"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testSecret = "0123456789abcdef0123456789abcdef-test"

func TestTokenRoundTrip(t *testing.T) {
	tk := NewTokens([]byte(testSecret), 7*24*time.Hour)
	tok, issued, err := tk.Issue("u1", "a@example.com", true)
	require.NoError(t, err)
	c, err := tk.Verify(tok)
	require.NoError(t, err)
	assert.Equal(t, issued, c)
	assert.Equal(t, "u1", c.Subject)
	assert.True(t, c.Admin)
	assert.Equal(t, int64(7*24*3600), c.ExpiresAt-c.IssuedAt)
}

func TestTokenRejections(t *testing.T) {
	tk := NewTokens([]byte(testSecret), time.Hour)
	tok, _, err := tk.Issue("u1", "a@example.com", false)
	require.NoError(t, err)
	parts := strings.Split(tok, ".")

	other := NewTokens([]byte(testSecret+"x"), time.Hour)
	_, err = other.Verify(tok)
	assert.ErrorIs(t, err, ErrInvalidToken, "another secret")

	// A forged payload keeps the old signature.
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"u2","iss":"agentstack","exp":9999999999}`))
	_, err = tk.Verify(parts[0] + "." + forged + "." + parts[2])
	assert.ErrorIs(t, err, ErrInvalidToken, "tampered payload")

	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`))
	_, err = tk.Verify(none + "." + parts[1] + ".")
	assert.ErrorIs(t, err, ErrInvalidToken, "alg none")

	for _, bad := range []string{"", "a.b", "a.b.c.d", tok + "x"} {
		_, err = tk.Verify(bad)
		assert.ErrorIs(t, err, ErrInvalidToken, bad)
	}

	late := NewTokens([]byte(testSecret), time.Hour)
	late.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	_, err = late.Verify(tok)
	assert.ErrorIs(t, err, ErrInvalidToken, "expired")
}

func TestPasswords(t *testing.T) {
	p, err := NewPasswords(bcrypt.MinCost)
	require.NoError(t, err)
	h, err := p.Hash("correct horse")
	require.NoError(t, err)
	assert.NotContains(t, h, "correct horse")
	assert.True(t, p.Check(h, "correct horse"))
	assert.False(t, p.Check(h, "correct horsE"))
	assert.False(t, p.Check("", "correct horse"))
	_, err = p.Hash("short")
	assert.Error(t, err)
	_, err = p.Hash(strings.Repeat("x", 73))
	assert.Error(t, err)
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(10)
	now := time.Unix(1000, 0)
	l.now = func() time.Time { return now }
	for i := 0; i < 10; i++ {
		ok, _ := l.Allow("1.2.3.4")
		require.True(t, ok, "request %d", i)
	}
	ok, wait := l.Allow("1.2.3.4")
	assert.False(t, ok)
	assert.InDelta(t, 6*time.Second, wait, float64(10*time.Millisecond))
	ok, _ = l.Allow("5.6.7.8")
	assert.True(t, ok, "another client has its own bucket")
	now = now.Add(6 * time.Second)
	ok, _ = l.Allow("1.2.3.4")
	assert.True(t, ok, "a token comes back after 6s")
}

func TestCheckSecret(t *testing.T) {
	assert.Error(t, CheckSecret(""))
	assert.Error(t, CheckSecret("secret"))
	assert.Error(t, CheckSecret("dev-secret-change-me"))
	assert.Error(t, CheckSecret("changemechangemechangemechangeme"))
	assert.Error(t, CheckSecret(strings.Repeat("k", 31)))
	assert.NoError(t, CheckSecret(testSecret))
}

func TestSecretFileIsCreatedOnceWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "jwt-secret")
	s1, created, err := LoadOrCreateSecretFile(path)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Len(t, s1, 64)
	require.NoError(t, CheckSecret(s1))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	s2, created, err := LoadOrCreateSecretFile(path)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, s1, s2)
}
