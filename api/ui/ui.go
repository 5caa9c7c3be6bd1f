// Package ui serves the dashboard's built files, embedded at build time
// from dist/ (where the dashboard's build writes them). When dist/ holds no
// index.html, as on a fresh clone, it serves a page saying so.
package ui

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

//go:embed placeholder.html
var placeholder []byte

// Handler serves the files of fsys with a fallback to index.html for
// client-side routes (any path without a file extension).
type Handler struct {
	files http.Handler
	fsys  fs.FS
	index []byte
}

// New serves the embedded dashboard, or the placeholder page.
func New() *Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is a constant directory of this package
	}
	return NewFS(sub)
}

// NewFS serves fsys, which should contain index.html.
func NewFS(fsys fs.FS) *Handler {
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		index = nil
	}
	return &Handler{files: http.FileServerFS(fsys), fsys: fsys, index: index}
}

// Built reports whether a built dashboard is embedded.
func (h *Handler) Built() bool { return h.index != nil }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.index == nil {
		serveHTML(w, r, placeholder)
		return
	}
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name == "" || name == "index.html" {
		serveHTML(w, r, h.index)
		return
	}
	if st, err := fs.Stat(h.fsys, name); err == nil && !st.IsDir() {
		if strings.HasPrefix(name, "assets/") {
			// Vite puts a content hash in these names.
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		h.files.ServeHTTP(w, r)
		return
	}
	if path.Ext(name) != "" {
		http.NotFound(w, r)
		return
	}
	serveHTML(w, r, h.index)
}

func serveHTML(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(body))
}
