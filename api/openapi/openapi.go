// Package openapi embeds the API's OpenAPI 3 document.
package openapi

import _ "embed"

// Spec is the OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json.
//
//go:embed openapi.json
var Spec []byte
