package projectstampprocessor

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/tenancy"
)

var update = flag.Bool("update", false, "rewrite the expected golden files")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStampsTheKeysProjectOverWhatTheClientSent(t *testing.T) {
	sink := &consumertest.TracesSink{}
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(Type), &Config{}, sink)
	require.NoError(t, err)
	in, err := golden.ReadTraces(filepath.Join("testdata", "traces_input.yaml"))
	require.NoError(t, err)

	ctx := tenancy.NewContext(context.Background(), "project-from-key")
	require.NoError(t, p.ConsumeTraces(ctx, in))
	require.Len(t, sink.AllTraces(), 1)
	got := sink.AllTraces()[0]
	expectedFile := filepath.Join("testdata", "traces_expected.yaml")
	if *update {
		require.NoError(t, golden.WriteTraces(t, expectedFile, got))
	}
	want, err := golden.ReadTraces(expectedFile)
	require.NoError(t, err)
	require.NoError(t, ptracetest.CompareTraces(want, got))
}

func TestRefusesRequestsWithoutAProject(t *testing.T) {
	sink := &consumertest.TracesSink{}
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(Type), &Config{}, sink)
	require.NoError(t, err)
	in, err := golden.ReadTraces(filepath.Join("testdata", "traces_input.yaml"))
	require.NoError(t, err)
	err = p.ConsumeTraces(context.Background(), in)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), "apikeyauth")
	assert.Empty(t, sink.AllTraces())
}

func TestStampsLogs(t *testing.T) {
	sink := &consumertest.LogsSink{}
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(Type), &Config{}, sink)
	require.NoError(t, err)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("agentstack.project.id", "forged")
	rec := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	rec.Attributes().PutStr("agentstack.project.id", "forged")
	rec.Body().SetStr("hello")

	require.NoError(t, p.ConsumeLogs(tenancy.NewContext(context.Background(), "p1"), ld))
	want := plog.NewLogs()
	wrl := want.ResourceLogs().AppendEmpty()
	wrl.Resource().Attributes().PutStr("agentstack.project.id", "p1")
	wrl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("hello")
	require.NoError(t, plogtest.CompareLogs(want, sink.AllLogs()[0]))
}
