package agentstackreceiver

import (
	"bytes"
	"encoding/json"
	"net/http"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
)

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeJSONError writes the error shape the whole product uses:
// {"error":{"code":…,"message":…}}.
func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]errorBody{"error": {Code: code, Message: msg}})
}

// writeError answers in the client's format: OTLP protobuf clients get a
// google.rpc.Status message as the OTLP/HTTP specification asks, everyone
// else the JSON error.
func writeError(w http.ResponseWriter, f format, status int, code, msg string) {
	if f != formatOTLPProto {
		writeJSONError(w, status, code, msg)
		return
	}
	out, err := proto.Marshal(&spb.Status{Code: int32(grpcFromHTTP(status)), Message: msg})
	if err != nil {
		writeJSONError(w, status, code, msg)
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

func grpcFromHTTP(status int) codes.Code {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return codes.InvalidArgument
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusTooManyRequests:
		return codes.ResourceExhausted
	case http.StatusServiceUnavailable:
		return codes.Unavailable
	}
	return codes.Internal
}

func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusRequestEntityTooLarge:
		return "payload_too_large"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	case http.StatusTooManyRequests:
		return "too_many_requests"
	case http.StatusServiceUnavailable:
		return "unavailable"
	}
	return "internal"
}

// looksLikeOTLPJSON tells OTLP JSON from native JSON by the first key of
// the top-level object: an OTLP export request starts with resourceSpans.
func looksLikeOTLPJSON(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	t, err := dec.Token()
	if err != nil {
		return false
	}
	k, _ := t.(string)
	return k == "resourceSpans" || k == "resource_spans"
}

// otlpRequest is an OTLP export request of any signal.
type otlpRequest interface {
	UnmarshalProto([]byte) error
	UnmarshalJSON([]byte) error
}

// readOTLPRequest decodes body into req from the request's encoding.
func readOTLPRequest(req otlpRequest, f format, body []byte) error {
	if f == formatOTLPProto {
		return req.UnmarshalProto(body)
	}
	return req.UnmarshalJSON(body)
}

// otlpResponse is an OTLP export response of any signal.
type otlpResponse interface {
	MarshalProto() ([]byte, error)
	MarshalJSON() ([]byte, error)
}

// writeOTLPResponse answers 200 with the response in the request's encoding.
func writeOTLPResponse(w http.ResponseWriter, f format, resp otlpResponse) {
	var out []byte
	var err error
	if f == formatOTLPProto {
		out, err = resp.MarshalProto()
	} else {
		out, err = resp.MarshalJSON()
	}
	if err != nil {
		writeError(w, f, http.StatusInternalServerError, "internal", err.Error())
		return
	}
	w.Header().Set("Content-Type", contentType(f))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}
