package e2e

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	grpccodes "google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/agentstack/agentstack/tests/harness"
)

// otlpBatch builds an OTLP batch of a parent and a child, with the
// client pretending to belong to project "someone-else".
func otlpBatch(traceID pcommon.TraceID, parentID, childID pcommon.SpanID, now time.Time) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "otlp-agent")
	rs.Resource().Attributes().PutStr("agentstack.project.id", "someone-else")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("test")
	p := ss.Spans().AppendEmpty()
	p.SetTraceID(traceID)
	p.SetSpanID(parentID)
	p.SetName("invoke_agent")
	p.SetStartTimestamp(pcommon.NewTimestampFromTime(now))
	p.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(10 * time.Millisecond)))
	p.Status().SetCode(ptrace.StatusCodeOk)
	ch := ss.Spans().AppendEmpty()
	ch.SetTraceID(traceID)
	ch.SetSpanID(childID)
	ch.SetParentSpanID(parentID)
	ch.SetName("chat gpt-4o")
	ch.SetKind(ptrace.SpanKindClient)
	ch.SetStartTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Millisecond)))
	ch.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(9 * time.Millisecond)))
	ch.Attributes().PutStr("gen_ai.request.model", "gpt-4o")
	ch.Attributes().PutInt("gen_ai.usage.input_tokens", 1000)
	ch.Attributes().PutDouble("gen_ai.request.temperature", 0.5)
	ch.Attributes().PutStr("agentstack.project.id", "someone-else")
	ev := ch.Events().AppendEmpty()
	ev.SetName("gen_ai.choice")
	ev.SetTimestamp(pcommon.NewTimestampFromTime(now.Add(8 * time.Millisecond)))
	ev.Attributes().PutStr("finish_reason", "stop")
	ch.Status().SetCode(ptrace.StatusCodeError)
	ch.Status().SetMessage("rate limited")
	return td
}

func randTraceID() pcommon.TraceID {
	var id pcommon.TraceID
	b, _ := hex.DecodeString(randHex(16))
	copy(id[:], b)
	return id
}

func randSpanID() pcommon.SpanID {
	var id pcommon.SpanID
	b, _ := hex.DecodeString(randHex(8))
	copy(id[:], b)
	return id
}

func TestOTLPProtobufAndJSONOnTheSamePath(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	project := c.ProjectID("default")
	for _, enc := range []string{"protobuf", "json"} {
		t.Run(enc, func(t *testing.T) {
			tid, pid, cid := randTraceID(), randSpanID(), randSpanID()
			now := time.Now()
			req := ptraceotlp.NewExportRequestFromTraces(otlpBatch(tid, pid, cid, now))
			var body []byte
			var err error
			ct := "application/x-protobuf"
			if enc == "json" {
				ct = "application/json"
				body, err = req.MarshalJSON()
			} else {
				body, err = req.MarshalProto()
			}
			require.NoError(t, err)
			r := post(t, c.URL()+"/v1/traces", ct, body, keyHeader(harness.BootstrapKey))
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			assert.Equal(t, ct, r.ContentType)
			resp := ptraceotlp.NewExportResponse()
			if enc == "json" {
				require.NoError(t, resp.UnmarshalJSON(r.Body))
			} else {
				require.NoError(t, resp.UnmarshalProto(r.Body))
			}
			assert.Zero(t, resp.PartialSuccess().RejectedSpans())

			got := waitSpans(t, c, tid.String(), 2)
			p, ch := got[pid.String()], got[cid.String()]
			assert.Equal(t, "invoke_agent", p.Name)
			assert.Equal(t, pid.String(), ch.ParentSpanID)
			assert.Equal(t, now.UnixNano(), p.Start)
			assert.Equal(t, project, ch.ProjectID, "the key's project, not the one the client sent")
			assert.Equal(t, project, ch.Resource["agentstack.project.id"])
			assert.NotContains(t, ch.Attributes, "agentstack.project.id")
			assert.Equal(t, json.Number("1000"), ch.Attributes["gen_ai.usage.input_tokens"])
			assert.Equal(t, json.Number("0.5"), ch.Attributes["gen_ai.request.temperature"])
			assert.Equal(t, "ERROR", ch.Status)
			assert.Equal(t, "rate limited", ch.StatusMessage)
			assert.Equal(t, 3, ch.Kind)
			require.Len(t, ch.Events, 1)
			assert.Equal(t, "gen_ai.choice", ch.Events[0]["name"])
		})
	}

	t.Run("partial success names what was rejected", func(t *testing.T) {
		tid, pid, cid := randTraceID(), randSpanID(), randSpanID()
		td := otlpBatch(tid, pid, cid, time.Now())
		td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(1).SetSpanID(pcommon.SpanID{})
		body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
		require.NoError(t, err)
		r := post(t, c.URL()+"/v1/traces", "application/x-protobuf", body, keyHeader(harness.BootstrapKey))
		require.Equal(t, http.StatusOK, r.Status)
		resp := ptraceotlp.NewExportResponse()
		require.NoError(t, resp.UnmarshalProto(r.Body))
		assert.EqualValues(t, 1, resp.PartialSuccess().RejectedSpans())
		assert.Contains(t, resp.PartialSuccess().ErrorMessage(), "span_id is empty")
		waitSpans(t, c, tid.String(), 1)
	})

	t.Run("unauthenticated protobuf gets a google.rpc.Status", func(t *testing.T) {
		body, err := ptraceotlp.NewExportRequestFromTraces(otlpBatch(randTraceID(), randSpanID(), randSpanID(), time.Now())).MarshalProto()
		require.NoError(t, err)
		r := post(t, c.URL()+"/v1/traces", "application/x-protobuf", body, nil)
		assert.Equal(t, http.StatusUnauthorized, r.Status)
		assert.Equal(t, "application/x-protobuf", r.ContentType)
	})
}

// sdkRun emits a parent and a child span through a real OTel SDK provider.
func sdkRun(t *testing.T, exp sdktrace.SpanExporter) (trace.SpanContext, trace.SpanContext) {
	t.Helper()
	res := resource.NewSchemaless(attribute.String("service.name", "go-sdk-agent"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(res))
	tr := tp.Tracer("e2e")
	ctx, parent := tr.Start(context.Background(), "agent.run", trace.WithAttributes(attribute.String("agentstack.project.id", "forged")))
	_, child := tr.Start(ctx, "llm.chat", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("gen_ai.request.model", "gpt-4o-mini"), attribute.Int("gen_ai.usage.output_tokens", 42),
			attribute.Bool("stream", true), attribute.StringSlice("tags", []string{"a", "b"})))
	child.AddEvent("retry", trace.WithAttributes(attribute.Int("attempt", 2)))
	child.SetStatus(otelcodes.Error, "boom")
	child.End()
	parent.End()
	require.NoError(t, tp.Shutdown(context.Background()))
	return parent.SpanContext(), child.SpanContext()
}

func checkSDKRun(t *testing.T, c *harness.Collector, project string, parent, child trace.SpanContext) {
	t.Helper()
	got := waitSpans(t, c, parent.TraceID().String(), 2)
	p, ch := got[parent.SpanID().String()], got[child.SpanID().String()]
	assert.Equal(t, "agent.run", p.Name)
	assert.Equal(t, parent.SpanID().String(), ch.ParentSpanID)
	assert.Equal(t, project, p.ProjectID)
	assert.Equal(t, project, ch.ProjectID)
	assert.NotContains(t, p.Attributes, "agentstack.project.id")
	assert.Equal(t, "go-sdk-agent", ch.Service)
	assert.Equal(t, "gpt-4o-mini", ch.Attributes["gen_ai.request.model"])
	assert.Equal(t, json.Number("42"), ch.Attributes["gen_ai.usage.output_tokens"])
	assert.Equal(t, true, ch.Attributes["stream"])
	assert.Equal(t, []any{"a", "b"}, ch.Attributes["tags"])
	assert.Equal(t, "ERROR", ch.Status)
	assert.Equal(t, "boom", ch.StatusMessage)
	require.Len(t, ch.Events, 1)
	assert.Equal(t, "retry", ch.Events[0]["name"])
}

func TestGoSDKOverOTLPHTTPAndGRPC(t *testing.T) {
	c := harness.Start(t, harness.Options{})
	project := c.ProjectID("default")
	ctx := context.Background()

	t.Run("http", func(t *testing.T) {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(c.HTTPAddr), otlptracehttp.WithInsecure(),
			otlptracehttp.WithHeaders(map[string]string{"x-api-key": harness.BootstrapKey}))
		require.NoError(t, err)
		p, ch := sdkRun(t, exp)
		checkSDKRun(t, c, project, p, ch)
	})
	t.Run("http gzip", func(t *testing.T) {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(c.HTTPAddr), otlptracehttp.WithInsecure(),
			otlptracehttp.WithCompression(otlptracehttp.GzipCompression),
			otlptracehttp.WithHeaders(map[string]string{"Authorization": "Bearer " + harness.BootstrapKey}))
		require.NoError(t, err)
		p, ch := sdkRun(t, exp)
		checkSDKRun(t, c, project, p, ch)
	})
	t.Run("grpc", func(t *testing.T) {
		exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(c.GRPCAddr), otlptracegrpc.WithInsecure(),
			otlptracegrpc.WithHeaders(map[string]string{"x-api-key": harness.BootstrapKey}))
		require.NoError(t, err)
		p, ch := sdkRun(t, exp)
		checkSDKRun(t, c, project, p, ch)
	})
	t.Run("grpc without a key is Unauthenticated", func(t *testing.T) {
		exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(c.GRPCAddr), otlptracegrpc.WithInsecure(),
			otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
		require.NoError(t, err)
		defer exp.Shutdown(ctx)
		tp := sdktrace.NewTracerProvider()
		_, s := tp.Tracer("x").Start(ctx, "x")
		s.End()
		err = exp.ExportSpans(ctx, []sdktrace.ReadOnlySpan{s.(sdktrace.ReadOnlySpan)})
		require.Error(t, err)
		st, ok := grpcstatus.FromError(errorsUnwrapAll(err))
		require.True(t, ok, "a gRPC status, got %v", err)
		assert.Equal(t, grpccodes.Unauthenticated, st.Code())
		_ = tp.Shutdown(ctx)
	})
}

// errorsUnwrapAll returns the innermost error, where the gRPC status sits
// under the SDK's wrapping.
func errorsUnwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}

func ptraceRequestProto(td ptrace.Traces) ([]byte, error) {
	return ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
}
