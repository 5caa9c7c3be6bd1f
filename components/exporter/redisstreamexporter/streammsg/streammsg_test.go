package streammsg

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// asRedis turns field/value pairs into what go-redis returns for an entry.
func asRedis(pairs []any) map[string]any {
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		switch v := pairs[i+1].(type) {
		case []byte:
			m[pairs[i].(string)] = string(v)
		default:
			m[pairs[i].(string)] = v
		}
	}
	return m
}

func records(t *testing.T) []Record {
	t.Helper()
	td, err := golden.ReadTraces(filepath.Join("..", "testdata", "traces.yaml"))
	require.NoError(t, err)
	recs, unowned := Records(td)
	require.Zero(t, unowned)
	require.Len(t, recs, 4)
	return recs
}

func TestBothFormatsDecodeToTheSameRow(t *testing.T) {
	for _, r := range records(t) {
		for _, f := range []Format{FormatJSON, FormatOTLPProto} {
			values, err := SpanValues(&r, f)
			require.NoError(t, err)
			spans, err := DecodeSpans(asRedis(values))
			require.NoError(t, err, f)
			require.Len(t, spans, 1)
			assert.Equal(t, r.Span, *spans[0], "%s round trip of %s", f, r.Span.SpanID)
		}
	}
}

func TestAlertsRoundTrip(t *testing.T) {
	var n int
	for _, r := range records(t) {
		for _, a := range r.Alerts {
			got, err := DecodeAlert(asRedis(AlertValues(&a)))
			require.NoError(t, err)
			assert.Equal(t, a, *got)
			n++
		}
	}
	assert.Equal(t, 2, n)
}

func TestUnknownVersionsAndFormatsAreRefused(t *testing.T) {
	_, err := DecodeSpans(map[string]any{"v": "2", "format": "json", "span": "{}"})
	assert.True(t, errors.Is(err, ErrVersion), "%v", err)
	_, err = DecodeAlert(map[string]any{"id": "x"})
	assert.True(t, errors.Is(err, ErrVersion), "a message without v is refused")
	_, err = DecodeSpans(map[string]any{"v": "1", "format": "msgpack", "span": "x"})
	assert.ErrorContains(t, err, `unknown format "msgpack"`)
	_, err = DecodeSpans(map[string]any{"v": "1", "format": "otlp_proto"})
	assert.ErrorContains(t, err, `field "otlp" missing`)
	r := records(t)[0]
	_, err = SpanValues(&r, "msgpack")
	assert.Error(t, err)
}
