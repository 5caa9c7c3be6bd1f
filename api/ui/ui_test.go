package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func get(t *testing.T, h http.Handler, path string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, err := io.ReadAll(rec.Result().Body)
	require.NoError(t, err)
	return rec.Code, string(b), rec.Header()
}

func TestPlaceholderWhenNotBuilt(t *testing.T) {
	h := NewFS(fstest.MapFS{".gitkeep": {}})
	assert.False(t, h.Built())
	code, body, hdr := get(t, h, "/traces/abc")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "dashboard has not been built")
	assert.Contains(t, body, "/v1/traces")
	assert.Equal(t, "text/html; charset=utf-8", hdr.Get("Content-Type"))
}

func TestServesFilesWithSPAFallback(t *testing.T) {
	h := NewFS(fstest.MapFS{
		"index.html":         {Data: []byte("<html>app</html>")},
		"assets/app-1a2b.js": {Data: []byte("console.log(1)")},
	})
	assert.True(t, h.Built())
	code, body, _ := get(t, h, "/")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "<html>app</html>", body)

	code, body, hdr := get(t, h, "/assets/app-1a2b.js")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "console.log(1)", body)
	assert.Contains(t, hdr.Get("Cache-Control"), "immutable")

	code, body, _ = get(t, h, "/traces/4bf92f35")
	assert.Equal(t, http.StatusOK, code, "client-side route")
	assert.Equal(t, "<html>app</html>", body)

	code, _, _ = get(t, h, "/assets/missing.js")
	assert.Equal(t, http.StatusNotFound, code, "a missing asset is not the index")
}

func TestEmbeddedBuildServes(t *testing.T) {
	// Whatever is embedded (placeholder or a build), / answers HTML.
	code, body, _ := get(t, New(), "/")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "<html")
}
