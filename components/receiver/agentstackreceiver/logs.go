package agentstackreceiver

import (
	"context"
	"fmt"
	"net/http"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/agentstack/agentstack/internal/tenancy"
)

// handleLogs takes OTLP log records (protobuf or JSON): GenAI
// instrumentations send prompts and completions as log events correlated
// to their spans by trace and span id.
func (r *agentstackReceiver) handleLogs(w http.ResponseWriter, req *http.Request) {
	if r.nextLogs == nil {
		writeJSONError(w, http.StatusNotFound, "not_found",
			"this receiver is in no logs pipeline: add it to service.pipelines.logs to accept /v1/logs")
		return
	}
	in, ok := r.accept(w, req)
	if !ok {
		return
	}
	f := formatOTLPJSON
	if in.proto {
		f = formatOTLPProto
	}
	otlpReq := plogotlp.NewExportRequest()
	if err := readOTLPRequest(otlpReq, f, in.body); err != nil {
		r.refuseLogs(in.ctx, f, 0, err)
		writeError(w, f, http.StatusBadRequest, "invalid_body", fmt.Sprintf("invalid OTLP logs body: %v", err))
		return
	}
	ld := otlpReq.Logs()
	if ld.LogRecordCount() > 0 {
		if err := r.consumeLogs(in.ctx, ld, in.projectID, f); err != nil {
			status := consumeStatus(err)
			setRetryAfter(w, status)
			writeError(w, f, status, codeFor(status), "the log records were not stored: "+err.Error())
			return
		}
	}
	resp := plogotlp.NewExportResponse()
	writeOTLPResponse(w, f, resp)
}

func (r *agentstackReceiver) consumeLogs(ctx context.Context, ld plog.Logs, projectID string, f format) error {
	tenancy.StampLogs(ld, projectID)
	n := ld.LogRecordCount()
	obsCtx := r.obsrecv.StartLogsOp(ctx)
	err := r.nextLogs.ConsumeLogs(ctx, ld)
	r.obsrecv.EndLogsOp(obsCtx, f.String(), n, err)
	r.counts.logs.add(n, err)
	return err
}

func (r *agentstackReceiver) refuseLogs(ctx context.Context, f format, n int, err error) {
	obsCtx := r.obsrecv.StartLogsOp(ctx)
	r.obsrecv.EndLogsOp(obsCtx, f.String(), n, permanent(err))
	r.counts.logs.refused.Add(int64(n))
}
