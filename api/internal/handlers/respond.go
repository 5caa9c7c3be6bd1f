package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error codes of {"error":{"code","message"}}.
const (
	codeBadRequest   = "bad_request"
	codeUnauthorized = "unauthorized"
	codeForbidden    = "forbidden"
	codeNotFound     = "not_found"
	codeConflict     = "conflict"
	codeRateLimited  = "rate_limited"
	codeInternal     = "internal"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: message}})
}

// maxBody bounds JSON request bodies; none of ours needs more.
const maxBody = 1 << 20

func decodeBody(w http.ResponseWriter, r *http.Request, dst any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(dst); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			writeError(w, http.StatusRequestEntityTooLarge, codeBadRequest, "request body is too large")
		case errors.Is(err, io.EOF):
			writeError(w, http.StatusBadRequest, codeBadRequest, "request body is empty: send a JSON object")
		default:
			writeError(w, http.StatusBadRequest, codeBadRequest, "request body is not valid JSON: "+err.Error())
		}
		return false
	}
	return true
}

// badParam is a query parameter error, shown to the client as a 400.
type badParam struct{ name, msg string }

func (e *badParam) Error() string { return "query parameter " + e.name + ": " + e.msg }

// query reads typed query parameters, remembering the first error.
type query struct {
	r   *http.Request
	err error
}

func (q *query) str(name string) string { return strings.TrimSpace(q.r.URL.Query().Get(name)) }

func (q *query) fail(name, msg string) {
	if q.err == nil {
		q.err = &badParam{name, msg}
	}
}

func (q *query) int(name string, def, min, max int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		q.fail(name, fmt.Sprintf("must be an integer from %d to %d", min, max))
		return def
	}
	return n
}

func (q *query) float(name string) float64 {
	s := q.str(name)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		q.fail(name, "must be a non-negative number")
		return 0
	}
	return f
}

func (q *query) boolPtr(name string) *bool {
	s := q.str(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.fail(name, "must be true or false")
		return nil
	}
	return &b
}

// time reads RFC 3339 or nanoseconds since the epoch; 0 when absent.
func (q *query) time(name string) int64 {
	s := q.str(name)
	if s == "" {
		return 0
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		q.fail(name, "must be an RFC 3339 time or nanoseconds since the epoch")
		return 0
	}
	return t.UnixNano()
}

func (q *query) oneOf(name, def string, allowed ...string) string {
	s := q.str(name)
	if s == "" {
		return def
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	q.fail(name, "must be one of "+strings.Join(allowed, ", "))
	return def
}

// Paging.
const (
	defaultPageSize = 50
	maxPageSize     = 200
)

type page struct{ page, size int }

func (q *query) page() page {
	return page{page: q.int("page", 1, 1, math.MaxInt32), size: q.int("page_size", defaultPageSize, 1, maxPageSize)}
}

func (p page) offset() int { return (p.page - 1) * p.size }

type pageBody[T any] struct {
	Items      []T `json:"items"`
	Total      int `json:"total"`
	Page       int `json:"page"`
	PageSize   int `json:"page_size"`
	TotalPages int `json:"total_pages"`
}

func paged[T any](items []T, total int, p page) pageBody[T] {
	if items == nil {
		items = []T{}
	}
	return pageBody[T]{Items: items, Total: total, Page: p.page, PageSize: p.size, TotalPages: (total + p.size - 1) / p.size}
}
