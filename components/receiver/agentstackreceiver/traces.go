package agentstackreceiver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/agentstack/agentstack/components/receiver/agentstackreceiver/internal/native"
	"github.com/agentstack/agentstack/internal/tenancy"
)

// format is what a request body holds.
type format int

const (
	formatNative format = iota
	formatOTLPJSON
	formatOTLPProto
)

func (f format) String() string {
	switch f {
	case formatOTLPJSON:
		return "otlp_json"
	case formatOTLPProto:
		return "otlp_proto"
	}
	return "agentstack_json"
}

// request is an authenticated ingest request with its body read.
type request struct {
	ctx       context.Context
	projectID string
	body      []byte
	proto     bool
}

// accept checks the method, authenticates, and reads the body within the
// size limit, answering the client itself when any of that fails.
func (r *agentstackReceiver) accept(w http.ResponseWriter, req *http.Request) (request, bool) {
	errFmt := errorFormat(req)
	proto := errFmt == formatOTLPProto
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, errFmt, http.StatusMethodNotAllowed, "method_not_allowed", "use POST for "+req.URL.Path)
		return request{}, false
	}
	ctx, err := r.auth.Authenticate(req.Context(), req.Header)
	if err != nil {
		writeError(w, errFmt, http.StatusUnauthorized, "unauthorized", err.Error())
		return request{}, false
	}
	projectID, ok := tenancy.FromContext(ctx)
	if !ok {
		writeError(w, errFmt, http.StatusUnauthorized, "unauthorized", "the API key maps to no project")
		return request{}, false
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			writeError(w, errFmt, http.StatusRequestEntityTooLarge, "payload_too_large",
				fmt.Sprintf("the body is over %d bytes: send smaller batches", r.maxBytes))
			return request{}, false
		}
		writeError(w, errFmt, http.StatusBadRequest, "bad_request", "reading the body: "+err.Error())
		return request{}, false
	}
	if !proto && !isJSON(req.Header.Get("Content-Type")) {
		writeJSONError(w, http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Content-Type must be application/json (native or OTLP JSON) or application/x-protobuf (OTLP)")
		return request{}, false
	}
	return request{ctx: ctx, projectID: projectID, body: body, proto: proto}, true
}

// errorFormat is the format of an answer given before the body is read:
// protobuf for an OTLP protobuf client, JSON for everyone else.
func errorFormat(req *http.Request) format {
	if isProtobuf(req.Header.Get("Content-Type")) {
		return formatOTLPProto
	}
	return formatNative
}

func (r *agentstackReceiver) handleTraces(w http.ResponseWriter, req *http.Request) {
	in, ok := r.accept(w, req)
	if !ok {
		return
	}
	ctx, projectID, body := in.ctx, in.projectID, in.body
	if in.proto {
		r.handleOTLP(ctx, w, projectID, body, formatOTLPProto)
		return
	}
	if looksLikeOTLPJSON(body) {
		r.handleOTLP(ctx, w, projectID, body, formatOTLPJSON)
		return
	}
	r.handleNative(ctx, w, projectID, body)
}

type nativeResponse struct {
	Status      string            `json:"status"`
	SpansQueued int               `json:"spans_queued"`
	Rejected    []native.Rejected `json:"rejected"`
}

func (r *agentstackReceiver) handleNative(ctx context.Context, w http.ResponseWriter, projectID string, body []byte) {
	res, err := native.Decode(body)
	if err != nil {
		r.refuse(ctx, formatNative, 0, err)
		writeJSONError(w, http.StatusBadRequest, "invalid_body", err.Error())
		return
	}
	rejected := res.Rejected
	if rejected == nil {
		rejected = []native.Rejected{}
	}
	if res.Accepted == 0 && len(rejected) > 0 {
		r.refuse(ctx, formatNative, len(rejected), errors.New("every span was invalid"))
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error":    errorBody{Code: "invalid_spans", Message: fmt.Sprintf("all %d spans were invalid; see rejected", len(rejected))},
			"rejected": rejected,
		})
		return
	}
	if res.Accepted > 0 {
		if err := r.consume(ctx, res.Traces, projectID, formatNative); err != nil {
			status := consumeStatus(err)
			setRetryAfter(w, status)
			writeJSONError(w, status, codeFor(status), "the spans were not stored: "+err.Error())
			return
		}
	}
	writeJSON(w, http.StatusAccepted, nativeResponse{Status: "accepted", SpansQueued: res.Accepted, Rejected: rejected})
}

func (r *agentstackReceiver) handleOTLP(ctx context.Context, w http.ResponseWriter, projectID string, body []byte, f format) {
	otlpReq := ptraceotlp.NewExportRequest()
	if err := readOTLPRequest(otlpReq, f, body); err != nil {
		r.refuse(ctx, f, 0, err)
		writeError(w, f, http.StatusBadRequest, "invalid_body", fmt.Sprintf("invalid OTLP %s body: %v", map[format]string{formatOTLPProto: "protobuf", formatOTLPJSON: "JSON"}[f], err))
		return
	}
	td := otlpReq.Traces()
	rejected, reason := dropInvalidSpans(td)
	resp := ptraceotlp.NewExportResponse()
	if rejected > 0 {
		resp.PartialSuccess().SetRejectedSpans(int64(rejected))
		resp.PartialSuccess().SetErrorMessage(reason)
		r.refuse(ctx, f, rejected, errors.New(reason))
	}
	if td.SpanCount() > 0 {
		if err := r.consume(ctx, td, projectID, f); err != nil {
			status := consumeStatus(err)
			setRetryAfter(w, status)
			writeError(w, f, status, codeFor(status), "the spans were not stored: "+err.Error())
			return
		}
	}
	writeOTLPResponse(w, f, resp)
}

// consume stamps the project and hands the spans to the pipeline, recording
// accepted and refused counts in the receiver's own metrics.
func (r *agentstackReceiver) consume(ctx context.Context, td ptrace.Traces, projectID string, f format) error {
	tenancy.StampTraces(td, projectID)
	n := td.SpanCount()
	obsCtx := r.obsrecv.StartTracesOp(ctx)
	err := r.nextTraces.ConsumeTraces(ctx, td)
	r.obsrecv.EndTracesOp(obsCtx, f.String(), n, err)
	r.counts.spans.add(n, err)
	return err
}

// refuse records spans refused before they reached the pipeline.
func (r *agentstackReceiver) refuse(ctx context.Context, f format, n int, err error) {
	obsCtx := r.obsrecv.StartTracesOp(ctx)
	r.obsrecv.EndTracesOp(obsCtx, f.String(), n, permanent(err))
	r.counts.spans.refused.Add(int64(n))
}

func permanent(err error) error { return consumererror.NewPermanent(err) }

// dropInvalidSpans removes spans that cannot be stored (no trace or span
// id) and says how many and why, for the OTLP partial_success answer.
func dropInvalidSpans(td ptrace.Traces) (int, string) {
	dropped := 0
	var reason string
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			sss.At(j).Spans().RemoveIf(func(s ptrace.Span) bool {
				var why string
				switch {
				case s.TraceID().IsEmpty():
					why = "trace_id is empty"
				case s.SpanID().IsEmpty():
					why = "span_id is empty"
				case s.EndTimestamp() < s.StartTimestamp():
					why = "end time is before start time"
				default:
					return false
				}
				if reason == "" {
					reason = fmt.Sprintf("span %q: %s", s.Name(), why)
				}
				dropped++
				return true
			})
		}
	}
	if dropped > 1 {
		reason = fmt.Sprintf("%d spans rejected; first: %s", dropped, reason)
	}
	return dropped, reason
}

// consumeStatus maps a pipeline error to an HTTP status as the OTLP
// specification does: retryable faults become 503 (or 429 for exhausted
// resources) so that clients retry, permanent ones 500.
func consumeStatus(err error) int {
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		if c := se.GRPCStatus().Code(); c != codes.OK && c != codes.Unknown {
			return httpFromGRPC(c)
		}
	}
	if consumererror.IsPermanent(err) {
		return http.StatusInternalServerError
	}
	// Overload, not failure: the sending queue is full, or the memory
	// limiter refused (its error is internal to the collector module, so it
	// is known by its text).
	if errors.Is(err, exporterhelper.ErrQueueIsFull) || strings.Contains(err.Error(), memoryLimiterRefusal) {
		return http.StatusTooManyRequests
	}
	return http.StatusServiceUnavailable
}

const memoryLimiterRefusal = "data refused due to high memory usage"

func httpFromGRPC(c codes.Code) int {
	switch c {
	case codes.ResourceExhausted:
		return http.StatusTooManyRequests
	case codes.InvalidArgument:
		return http.StatusBadRequest
	case codes.Unauthenticated:
		return http.StatusUnauthorized
	case codes.PermissionDenied:
		return http.StatusForbidden
	case codes.Canceled, codes.DeadlineExceeded, codes.Aborted, codes.OutOfRange, codes.Unavailable, codes.DataLoss:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func setRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

func isProtobuf(ct string) bool {
	switch mediaType(ct) {
	case "application/x-protobuf", "application/protobuf":
		return true
	}
	return false
}

// isJSON accepts JSON content types, no content type at all, and curl's
// default for -d (form-urlencoded), since the body tells: a form body that
// is not JSON still gets a 400 saying where it breaks.
func isJSON(ct string) bool {
	switch mt := mediaType(ct); mt {
	case "", "application/json", "text/json", "text/plain", "application/x-www-form-urlencoded":
		return true
	default:
		return strings.HasSuffix(mt, "+json")
	}
}

func contentType(f format) string {
	if f == formatOTLPProto {
		return "application/x-protobuf"
	}
	return "application/json"
}
