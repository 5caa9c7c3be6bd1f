package native

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// putValue stores a decoded JSON value (decoded with UseNumber) in a pdata
// value: integers stay integers, other numbers become doubles, arrays and
// objects keep their shape.
func putValue(dst pcommon.Value, v any) {
	switch t := v.(type) {
	case string:
		dst.SetStr(t)
	case bool:
		dst.SetBool(t)
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				dst.SetInt(i)
				return
			}
		}
		f, _ := strconv.ParseFloat(s, 64)
		dst.SetDouble(f)
	case []any:
		sl := dst.SetEmptySlice()
		sl.EnsureCapacity(len(t))
		for _, e := range t {
			putValue(sl.AppendEmpty(), e)
		}
	case map[string]any:
		putMap(dst.SetEmptyMap(), t)
	}
}

func putMap(dst pcommon.Map, m map[string]any) {
	dst.EnsureCapacity(len(m))
	for k, v := range m {
		if v == nil {
			continue
		}
		putValue(dst.PutEmpty(k), v)
	}
}

// decodeAttributes decodes a JSON object of attributes into dst.
func decodeAttributes(raw json.RawMessage, dst pcommon.Map) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]any
	if err := unmarshalNumbers(raw, &m); err != nil {
		return fmt.Errorf("must be an object of attribute values")
	}
	putMap(dst, m)
	return nil
}

// decodeTime accepts nanoseconds since the epoch as a JSON number or a
// string of digits, or an RFC 3339 timestamp string.
func decodeTime(raw json.RawMessage) (pcommon.Timestamp, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, errMissing
	}
	var n json.Number
	if err := unmarshalNumbers(raw, &n); err == nil {
		return nanosFromNumber(string(n))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("must be nanoseconds since the epoch (a number) or an RFC 3339 string")
	}
	if ts, err := nanosFromNumber(s); err == nil {
		return ts, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("must be nanoseconds since the epoch or an RFC 3339 string, got %q", truncate(s, 40))
	}
	return pcommon.NewTimestampFromTime(t), nil
}

func nanosFromNumber(s string) (pcommon.Timestamp, error) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		if i <= 0 {
			return 0, fmt.Errorf("must be positive nanoseconds since the epoch, got %d", i)
		}
		return pcommon.Timestamp(i), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f <= 0 || f > math.MaxInt64 {
		return 0, fmt.Errorf("must be positive nanoseconds since the epoch, got %s", truncate(s, 40))
	}
	return pcommon.Timestamp(int64(f)), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
