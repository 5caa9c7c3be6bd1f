package clickhouseschema

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/internal/semconv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var createStmt = regexp.MustCompile(`(?i)^\s*CREATE\s+(TABLE|MATERIALIZED VIEW)\s+(IF NOT EXISTS\s+)?`)

func TestMigrationsRenderIdempotentStatements(t *testing.T) {
	ms, err := Migrations(30)
	require.NoError(t, err)
	require.Len(t, ms, 5)
	names := map[string]bool{}
	for i, m := range ms {
		assert.Equal(t, i+1, m.Version, "versions are ordered without gaps")
		require.NotEmpty(t, m.Statements, m.Name)
		for _, s := range m.Statements {
			assert.NotContains(t, s, "{{", "%s: every placeholder is expanded", m.Name)
			assert.False(t, strings.HasSuffix(strings.TrimSpace(s), ";"), "statements are split")
			mm := createStmt.FindStringSubmatch(s)
			require.NotNil(t, mm, "%s: every statement creates something: %.60s", m.Name, s)
			assert.NotEmpty(t, mm[2], "%s: CREATE ... IF NOT EXISTS keeps a re-run harmless: %.60s", m.Name, s)
			if strings.Contains(s, "TTL") {
				assert.Contains(t, s, "toIntervalDay(30)", "%s: the TTL is the configured one", m.Name)
			}
			fields := strings.Fields(createStmt.ReplaceAllString(s, ""))
			names[fields[0]] = true
		}
	}
	for _, want := range []string{"otel_traces", "agentstack_spans", "agentstack_spans_mv", "agentstack_traces",
		"agentstack_traces_mv", "agentstack_cost_hourly", "agentstack_cost_hourly_mv", "agentstack_alerts", "agentstack_alerts_mv"} {
		assert.True(t, names[want], "the schema creates %s", want)
	}
}

func TestEngines(t *testing.T) {
	ms, err := Migrations(DefaultTTLDays)
	require.NoError(t, err)
	all := ""
	for _, m := range ms {
		all += strings.Join(m.Statements, "\n;\n")
	}
	assert.Regexp(t, `agentstack_cost_hourly \([^;]*ENGINE = SummingMergeTree`, all)
	assert.Regexp(t, `agentstack_traces \([^;]*ENGINE = AggregatingMergeTree`, all)
	assert.Contains(t, all, "ARRAY JOIN", "alerts come from the span events")
	assert.Contains(t, all, "'"+semconv.SecurityAlertEvent+"'")
	assert.Contains(t, all, "ResourceAttributes['"+semconv.ProjectID+"']")
	assert.Contains(t, all, "SpanAttributes['"+semconv.LLMModel+"']")
	assert.Contains(t, all, "SpanAttributes['"+semconv.CostTotalUSD+"']")
	assert.Contains(t, all, "SpanAttributes['"+semconv.UsageInputTokens+"']")
	assert.Contains(t, all, "toIntervalDay(90)")
}

func TestTTLIsValidatedAndSubstituted(t *testing.T) {
	_, err := Migrations(0)
	assert.ErrorContains(t, err, "between 1 and 36500")
	_, err = TTLStatements(-3)
	assert.Error(t, err)
	stmts, err := TTLStatements(7)
	require.NoError(t, err)
	assert.Len(t, stmts, 5)
	for _, s := range stmts {
		assert.Contains(t, s, "MODIFY TTL")
		assert.Contains(t, s, "toIntervalDay(7)")
	}
}

// The table the exporter creates and ours agree on every column.
func TestOtelTracesMatchesTheExporter(t *testing.T) {
	ms, err := Migrations(DefaultTTLDays)
	require.NoError(t, err)
	ours := ms[0].Statements[0]
	for _, col := range []string{"Timestamp DateTime64(9)", "TraceId String", "SpanId String", "ParentSpanId String",
		"SpanName LowCardinality(String)", "SpanKind LowCardinality(String)", "ServiceName LowCardinality(String)",
		"ResourceAttributes Map(LowCardinality(String), String)", "SpanAttributes Map(LowCardinality(String), String)",
		"Duration UInt64", "StatusCode LowCardinality(String)", "Events Nested", "Links Nested"} {
		assert.Contains(t, ours, col)
	}
}

type fakeConn struct {
	stmts []string
	args  [][]any
	fail  string
}

func (f *fakeConn) Exec(_ context.Context, q string, args ...any) error {
	if f.fail != "" && strings.Contains(q, f.fail) {
		return errors.New("boom")
	}
	f.stmts = append(f.stmts, q)
	f.args = append(f.args, args)
	return nil
}

func TestMigrateSkipsAppliedAndRecordsNew(t *testing.T) {
	ctx := context.Background()
	c := &fakeConn{}
	applied := func(context.Context) (map[int]bool, error) { return map[int]bool{1: true, 2: true}, nil }
	names, err := Migrate(ctx, c, applied, 14, true)
	require.NoError(t, err)
	assert.Equal(t, []string{"0003_traces.sql", "0004_cost_hourly.sql", "0005_alerts.sql", "ttl.sql (14 days)"}, names)
	for _, s := range c.stmts {
		assert.NotContains(t, s, "CREATE TABLE IF NOT EXISTS otel_traces", "applied versions are skipped")
	}
	var recorded []any
	for i, s := range c.stmts {
		if strings.HasPrefix(s, "INSERT INTO "+MigrationsTable) {
			recorded = append(recorded, c.args[i][1])
		}
	}
	assert.Equal(t, []any{"0003_traces.sql", "0004_cost_hourly.sql", "0005_alerts.sql"}, recorded)

	c = &fakeConn{fail: "agentstack_alerts_mv"}
	names, err = Migrate(ctx, c, func(context.Context) (map[int]bool, error) { return nil, nil }, 90, false)
	assert.ErrorContains(t, err, "applying 0005_alerts.sql (statement 2)")
	assert.Equal(t, []string{"0001_otel_traces.sql", "0002_spans.sql", "0003_traces.sql", "0004_cost_hourly.sql"}, names,
		"a failed file is not recorded, so the next run retries it")
}
