package handlers

import (
	"net/http"

	"github.com/agentstack/agentstack/api/openapi"
)

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapi.Spec)
}
