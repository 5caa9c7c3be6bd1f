package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// MinSecretLen is the shortest signing secret accepted outside dev mode.
const MinSecretLen = 32

// knownDefaults are secrets copied from examples and tutorials; a token
// signed with one of them can be forged by anybody.
var knownDefaults = []string{
	"secret", "dev-secret-change-me-dev-secret-change-me", "changemechangemechangemechangeme", "changeme", "change-me", "dev-secret-change-me", "your-secret-key", "supersecret",
	"jwt-secret", "jwt_secret", "password", "agentstack", "default",
}

// CheckSecret says why a signing secret is unsafe, or nil.
func CheckSecret(secret string) error {
	if secret == "" {
		return errors.New("no JWT signing secret is set")
	}
	lower := strings.ToLower(strings.TrimSpace(secret))
	for _, d := range knownDefaults {
		if lower == d {
			return fmt.Errorf("the JWT signing secret is a well-known default (%q)", d)
		}
	}
	if len(secret) < MinSecretLen {
		return fmt.Errorf("the JWT signing secret is %d bytes; at least %d are required", len(secret), MinSecretLen)
	}
	return nil
}

// LoadOrCreateSecretFile reads the secret kept in path, creating the file
// (with 32 random bytes in hex, mode 0600) when it does not exist.
func LoadOrCreateSecretFile(path string) (secret string, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", false, fmt.Errorf("reading JWT secret file %s: %w", path, err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", false, fmt.Errorf("generating JWT secret: %w", err)
	}
	secret = hex.EncodeToString(raw[:])
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", false, fmt.Errorf("creating directory of JWT secret file %s: %w", path, err)
	}
	// O_EXCL: if another process created it meanwhile, use theirs.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateSecretFile(path)
	}
	if err != nil {
		return "", false, fmt.Errorf("creating JWT secret file %s: %w", path, err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		_ = f.Close()
		return "", false, fmt.Errorf("writing JWT secret file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", false, fmt.Errorf("writing JWT secret file %s: %w", path, err)
	}
	return secret, true, nil
}
