// Package tenancy carries the project an API key maps to from the auth
// extension to the pipeline, and stamps it on telemetry. The project on
// stored data always comes from here, never from the payload.
package tenancy

import (
	"context"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/agentstack/agentstack/internal/semconv"
)

// AuthData is what the apikeyauth extension puts in client.Info.Auth.
type AuthData struct {
	ProjectID string
}

var _ client.AuthData = AuthData{}

// GetAttribute implements client.AuthData.
func (a AuthData) GetAttribute(name string) any {
	if name == semconv.ProjectID {
		return a.ProjectID
	}
	return nil
}

// GetAttributeNames implements client.AuthData.
func (a AuthData) GetAttributeNames() []string { return []string{semconv.ProjectID} }

// NewContext returns ctx carrying the authenticated project.
func NewContext(ctx context.Context, projectID string) context.Context {
	info := client.FromContext(ctx)
	info.Auth = AuthData{ProjectID: projectID}
	return client.NewContext(ctx, info)
}

// FromContext returns the project authenticated on ctx.
func FromContext(ctx context.Context) (string, bool) {
	info := client.FromContext(ctx)
	if info.Auth == nil {
		return "", false
	}
	id, ok := info.Auth.GetAttribute(semconv.ProjectID).(string)
	return id, ok && id != ""
}

// StampTraces sets the project on every resource and removes any span-level
// copy a client sent, so that no attribute anywhere in the batch can name
// another project.
func StampTraces(td ptrace.Traces, projectID string) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		rs.Resource().Attributes().PutStr(semconv.ProjectID, projectID)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			sss.At(j).Scope().Attributes().Remove(semconv.ProjectID)
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				spans.At(k).Attributes().Remove(semconv.ProjectID)
			}
		}
	}
}

// StampLogs does for log records what StampTraces does for spans.
func StampLogs(ld plog.Logs, projectID string) {
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		rl.Resource().Attributes().PutStr(semconv.ProjectID, projectID)
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sls.At(j).Scope().Attributes().Remove(semconv.ProjectID)
			recs := sls.At(j).LogRecords()
			for k := 0; k < recs.Len(); k++ {
				recs.At(k).Attributes().Remove(semconv.ProjectID)
			}
		}
	}
}
