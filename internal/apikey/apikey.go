// Package apikey generates project API keys and derives the digest under
// which they are stored. Keys are 32 random bytes, so a fast SHA-256 digest is
// enough to make a stolen database useless; a slow hash would only add
// latency to every ingest request.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// Prefix starts every key, so that secret scanners and humans can tell one.
const Prefix = "ak_"

// DigestSize is the length of a key digest in bytes.
const DigestSize = sha256.Size

// Digest is the stored form of a key.
type Digest [DigestSize]byte

// Generate returns a new random key: "ak_" and 43 URL-safe characters.
func Generate() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating api key: %w", err)
	}
	return Prefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Sum returns the digest of key.
func Sum(key string) Digest {
	return sha256.Sum256([]byte(key))
}

// Validate checks the shape of a key supplied by an operator (for example a
// bootstrap key from the environment), so that a typo fails loudly at start.
func Validate(key string) error {
	if !strings.HasPrefix(key, Prefix) {
		return fmt.Errorf("api key must start with %q", Prefix)
	}
	if len(key) < len(Prefix)+20 {
		return fmt.Errorf("api key is too short: at least 20 characters after %q are required", Prefix)
	}
	return nil
}

// Hint is the part of a key that may be shown again after creation, so a
// user can tell keys apart without the secret being recoverable.
func Hint(key string) string {
	if len(key) <= len(Prefix)+4 {
		return Prefix + "…"
	}
	return key[:len(Prefix)+4] + "…"
}
