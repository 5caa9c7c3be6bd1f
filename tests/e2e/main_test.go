// Package e2e drives the built AgentStack binary through its public ports
// with real clients and reads back what it stored.
package e2e

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/tests/harness"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, harness.LeakOptions()...)
}

type response struct {
	Status      int
	Body        []byte
	ContentType string
	Header      http.Header
}

func post(t *testing.T, url, contentType string, body []byte, headers map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: b, ContentType: resp.Header.Get("Content-Type"), Header: resp.Header}
}

func keyHeader(key string) map[string]string { return map[string]string{"X-API-Key": key} }

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// storedSpan is a row of the spans table as the tests check it.
type storedSpan struct {
	ProjectID, TraceID, SpanID, ParentSpanID, Name, Status, StatusMessage, Service string
	Kind                                                                           int
	Start, End                                                                     int64
	Attributes                                                                     map[string]any
	Events                                                                         []map[string]any
	Resource                                                                       map[string]any
}

func readSpans(t *testing.T, db *sql.DB, traceID string) map[string]storedSpan {
	t.Helper()
	rows, err := db.Query(`SELECT project_id, trace_id, span_id, parent_span_id, name, kind, start_time_ns, end_time_ns,
		status_code, status_message, service_name, attributes, events, resource_attributes FROM spans WHERE trace_id = ?`, traceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]storedSpan{}
	for rows.Next() {
		var s storedSpan
		var attrs, events, res string
		if err := rows.Scan(&s.ProjectID, &s.TraceID, &s.SpanID, &s.ParentSpanID, &s.Name, &s.Kind, &s.Start, &s.End,
			&s.Status, &s.StatusMessage, &s.Service, &attrs, &events, &res); err != nil {
			t.Fatal(err)
		}
		for src, dst := range map[string]any{attrs: &s.Attributes, events: &s.Events, res: &s.Resource} {
			dec := json.NewDecoder(strings.NewReader(src))
			dec.UseNumber()
			if err := dec.Decode(dst); err != nil {
				t.Fatalf("stored JSON %q: %v", src, err)
			}
		}
		out[s.SpanID] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func waitSpans(t *testing.T, c *harness.Collector, traceID string, want int) map[string]storedSpan {
	t.Helper()
	db := c.DB()
	got := harness.WaitForCount(t, db, want, 15*time.Second, `SELECT COUNT(*) FROM spans WHERE trace_id = ?`, traceID)
	if got != want {
		t.Fatalf("trace %s: %d spans stored, want %d; collector log:\n%s", traceID, got, want, c.Log())
	}
	return readSpans(t, db, traceID)
}
