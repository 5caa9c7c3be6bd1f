package alertid

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestIDIsStableAndSensitiveToEveryPart(t *testing.T) {
	base := ID("p1", "0102", "0a0b", 0, "pii.email")
	sum := sha256.Sum256([]byte("p1\x000102\x000a0b\x000\x00pii.email\x00"))
	assert.Equal(t, hex.EncodeToString(sum[:16]), base, "the derivation is part of the documented format")
	assert.Len(t, base, 32)
	for _, other := range []string{
		ID("p2", "0102", "0a0b", 0, "pii.email"),
		ID("p1", "0103", "0a0b", 0, "pii.email"),
		ID("p1", "0102", "0a0c", 0, "pii.email"),
		ID("p1", "0102", "0a0b", 1, "pii.email"),
		ID("p1", "0102", "0a0b", 0, "pii.phone"),
		ID("p10", "102", "0a0b", 0, "pii.email"), // shifting a character across a boundary
	} {
		assert.NotEqual(t, base, other)
	}
}
