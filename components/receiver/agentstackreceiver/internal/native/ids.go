package native

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

var (
	errIDEmpty  = errors.New("is empty")
	errIDZero   = errors.New("is all zeros")
	errIDFormat = errors.New("must be hex (32 characters for a trace id, 16 for a span id) or a UUID")
)

// idBytes accepts hex of the given byte length or a UUID (with or without
// dashes), returning the decoded bytes.
func idBytes(s string) ([]byte, error) {
	if s == "" {
		return nil, errIDEmpty
	}
	if len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' {
		s = strings.ReplaceAll(s, "-", "")
	}
	if len(s)%2 != 0 || (len(s) != 16 && len(s) != 32) {
		return nil, errIDFormat
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errIDFormat
	}
	for _, c := range b {
		if c != 0 {
			return b, nil
		}
	}
	return nil, errIDZero
}

// traceID parses a W3C trace id or a UUID (which is 16 bytes already).
func traceID(s string) (pcommon.TraceID, error) {
	b, err := idBytes(s)
	if err != nil {
		return pcommon.TraceID{}, err
	}
	if len(b) != 16 {
		return pcommon.TraceID{}, errIDFormat
	}
	var id pcommon.TraceID
	copy(id[:], b)
	return id, nil
}

// spanID parses a W3C span id, or folds a 16-byte id (the original SDK's
// UUIDs) into 8 bytes with SHA-256. The fold is deterministic, so a parent
// sent as a UUID still matches its child's parent_span_id.
func spanID(s string) (pcommon.SpanID, error) {
	b, err := idBytes(s)
	if err != nil {
		return pcommon.SpanID{}, err
	}
	var id pcommon.SpanID
	if len(b) == 8 {
		copy(id[:], b)
		return id, nil
	}
	sum := sha256.Sum256(b)
	copy(id[:], sum[:8])
	if id.IsEmpty() {
		id[7] = 1
	}
	return id, nil
}
