package projectstampprocessor

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/agentstack/agentstack/internal/tenancy"
)

// errNoProject is permanent: retrying cannot give a request a key.
var errNoProject = consumererror.NewPermanent(errors.New(
	"no authenticated project on this request: set auth.authenticator: apikeyauth on the receiver, and put projectstamp before batch"))

func stampTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	id, ok := tenancy.FromContext(ctx)
	if !ok {
		return td, errNoProject
	}
	tenancy.StampTraces(td, id)
	return td, nil
}

func stampLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	id, ok := tenancy.FromContext(ctx)
	if !ok {
		return ld, errNoProject
	}
	tenancy.StampLogs(ld, id)
	return ld, nil
}
