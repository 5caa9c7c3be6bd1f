package handlers

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/api/openapi"
)

type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

var httpMethods = map[string]bool{"get": true, "post": true, "put": true, "patch": true, "delete": true, "head": true, "options": true}

// TestOpenAPIMatchesTheRoutes keeps the document true: every registered
// route is documented, and every documented operation is registered, with
// the same public/authenticated status.
func TestOpenAPIMatchesTheRoutes(t *testing.T) {
	var doc openAPIDoc
	require.NoError(t, json.Unmarshal(openapi.Spec, &doc))
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3."))

	e := newEnv(t)
	registered := map[string]Route{}
	for _, r := range e.api.Routes() {
		registered[strings.ToLower(r.Method)+" "+r.Pattern] = r
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !httpMethods[method] {
				continue
			}
			key := method + " " + path
			documented[key] = true
			r, ok := registered[key]
			if !assert.True(t, ok, "documented but not registered: %s", key) {
				continue
			}
			var op struct {
				Security *[]map[string][]string `json:"security"`
			}
			require.NoError(t, json.Unmarshal(raw, &op))
			public := op.Security != nil && len(*op.Security) == 0
			assert.Equal(t, r.Public, public, "%s: public in the code and in the document must agree", key)
		}
	}
	var missing []string
	for key := range registered {
		if !documented[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "registered but not documented")

	r := e.do("GET", "/api/v1/openapi.json", "", nil)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, string(openapi.Spec), string(r.Body))
}
