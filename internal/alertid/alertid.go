// Package alertid derives the id of a security alert from where it sits, so
// that every exporter (the embedded store, the Redis streams) gives the same
// alert the same id and a replayed batch is recognisable.
package alertid

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// ID returns 32 hex characters: the first 16 bytes of the SHA-256 of the
// project, trace id, span id, the event's index among the span's events and
// the rule, each followed by a NUL so that no two tuples collide.
func ID(project, traceID, spanID string, index int, rule string) string {
	h := sha256.New()
	for _, s := range []string{project, traceID, spanID, strconv.Itoa(index), rule} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
