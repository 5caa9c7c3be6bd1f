package costprocessor

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/agentstack/agentstack/internal/semconv"
)

// Regenerate the expected files with: go test ./components/processor/costprocessor/ -run Golden -update
// and check every changed figure by hand before keeping it.
var update = flag.Bool("update", false, "rewrite the golden expected.yaml files")

func loadConfig(t testing.TB, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	id := component.MustNewID(typeStr)
	if name != "" {
		id = component.MustNewIDWithName(typeStr, name)
	}
	sub, err := cm.Sub(id.String())
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg
}

func TestGolden(t *testing.T) {
	tests := []struct {
		dir    string
		config string
	}{
		{dir: "genai_current"},
		{dir: "genai_legacy"},
		{dir: "openinference"},
		{dir: "seed"},
		{dir: "unpriced"},
		{dir: "config_overrides", config: "overrides"},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			cfg := loadConfig(t, tc.config)
			sink := new(consumertest.TracesSink)
			p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(component.MustNewType(typeStr)), cfg, sink)
			require.NoError(t, err)
			require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
			defer func() { require.NoError(t, p.Shutdown(context.Background())) }()

			dir := filepath.Join("testdata", "golden", tc.dir)
			input, err := golden.ReadTraces(filepath.Join(dir, "input.yaml"))
			require.NoError(t, err)
			require.NoError(t, p.ConsumeTraces(context.Background(), input))
			require.Len(t, sink.AllTraces(), 1)
			actual := sink.AllTraces()[0]

			expectedFile := filepath.Join(dir, "expected.yaml")
			if *update {
				require.NoError(t, golden.WriteTraces(t, expectedFile, actual))
			}
			expected, err := golden.ReadTraces(expectedFile)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(expected, actual))
		})
	}
}

// spanAttrs runs one span with the given attributes through a processor
// built from cfg and returns the span's attributes afterwards.
func runSpan(t *testing.T, p *costProcessor, attrs map[string]any) map[string]any {
	t.Helper()
	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	require.NoError(t, span.Attributes().FromRaw(attrs))
	_, err := p.processTraces(context.Background(), td)
	require.NoError(t, err)
	return span.Attributes().AsRaw()
}

func TestHandCheckedSpans(t *testing.T) {
	p, err := newCostProcessor(&Config{}, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)

	// gpt-4o: 1,000 × $2.50/M + 100 × $10/M = 0.0025 + 0.001 = 0.0035.
	got := runSpan(t, p, map[string]any{
		semconv.GenAIProviderName: "openai", semconv.GenAIRequestModel: "gpt-4o",
		semconv.GenAIUsageInputTokens: 1000, semconv.GenAIUsageOutputTokens: 100,
	})
	assert.InDelta(t, 0.0035, got[semconv.CostTotalUSD], 1e-12)
	assert.InDelta(t, 0.0025, got[semconv.CostInputUSD], 1e-12)
	assert.InDelta(t, 0.001, got[semconv.CostOutputUSD], 1e-12)
	assert.Equal(t, int64(1100), got[semconv.UsageTotalTokens])
	assert.Equal(t, "gpt-4o", got[semconv.LLMModel])
	assert.Equal(t, "openai", got[semconv.LLMProvider])
	assert.NotContains(t, got, semconv.CostUnpriced)

	// Claude 3.5 Sonnet, Anthropic's native counts (input excludes cache):
	// 1,000 uncached × $3/M = 0.003; 2,000 written × $3.75/M = 0.0075;
	// 10,000 read × $0.30/M = 0.003; 500 output × $15/M = 0.0075.
	// Total 0.021 over 13,000 input tokens.
	got = runSpan(t, p, map[string]any{
		semconv.GenAISystem: "anthropic", semconv.GenAIResponseModel: "claude-3-5-sonnet-20241022",
		semconv.GenAIUsagePromptTokens: 1000, semconv.GenAIUsageCompletionTokens: 500,
		semconv.GenAIUsageCacheCreateInputTokens: 2000, semconv.GenAIUsageCacheReadInputTokens: 10000,
	})
	assert.InDelta(t, 0.021, got[semconv.CostTotalUSD], 1e-12)
	assert.InDelta(t, 0.0135, got[semconv.CostInputUSD], 1e-12)
	assert.Equal(t, int64(13000), got[semconv.UsageInputTokens])
	assert.Equal(t, int64(10000), got[semconv.UsageCacheReadTokens])
	assert.Equal(t, int64(2000), got[semconv.UsageCacheWriteTokens])

	// A model but no usage (a stream cut short): named, not priced, not
	// counted as unpriced.
	got = runSpan(t, p, map[string]any{semconv.GenAIRequestModel: "models/gemini-2.0-flash"})
	assert.Equal(t, "gemini-2.0-flash", got[semconv.LLMModel])
	assert.Equal(t, "google", got[semconv.LLMProvider])
	assert.NotContains(t, got, semconv.CostTotalUSD)
	assert.NotContains(t, got, semconv.CostUnpriced)
	assert.Equal(t, uint64(0), p.UnpricedSpans())

	// The client's own figure is kept beside ours.
	got = runSpan(t, p, map[string]any{
		semconv.GenAIRequestModel: "gpt-4o", semconv.GenAIUsageInputTokens: 1000,
		semconv.GenAIUsageOutputTokens: 100, semconv.GenAIUsageCost: 1.25,
	})
	assert.Equal(t, 1.25, got[semconv.GenAIUsageCost])
	assert.InDelta(t, 0.0035, got[semconv.CostTotalUSD], 1e-12)
}

func TestUnpricedIsCountedNeverGuessed(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p, err := newCostProcessor(&Config{}, tel.NewTelemetrySettings())
	require.NoError(t, err)

	for range 3 {
		got := runSpan(t, p, map[string]any{
			semconv.GenAIRequestModel: "acme-internal-llm-v2", semconv.GenAIUsageInputTokens: 1000,
			semconv.GenAIUsageOutputTokens: 100, semconv.CostTotalUSD: 0.42,
		})
		assert.Equal(t, true, got[semconv.CostUnpriced])
		assert.NotContains(t, got, semconv.CostTotalUSD)
		assert.NotContains(t, got, semconv.CostInputUSD)
		assert.Equal(t, int64(1100), got[semconv.UsageTotalTokens])
	}
	runSpan(t, p, map[string]any{
		semconv.GenAIRequestModel: "gpt-4o", semconv.GenAIUsageInputTokens: 1, semconv.GenAIUsageOutputTokens: 1,
	})
	// Spans that are not LLM calls count as neither.
	runSpan(t, p, map[string]any{semconv.ServiceName: "x", semconv.OIToolName: "search"})

	assert.Equal(t, uint64(3), p.UnpricedSpans())
	assert.Equal(t, uint64(1), p.PricedSpans())
	assertCounter(t, tel, "agentstack.cost.unpriced_spans", 3)
	assertCounter(t, tel, "agentstack.cost.priced_spans", 1)
}

func assertCounter(t *testing.T, tel *componenttest.Telemetry, name string, want int64) {
	t.Helper()
	m, err := tel.GetMetric(name)
	require.NoError(t, err)
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is %T", name, m.Data)
	require.Len(t, sum.DataPoints, 1)
	assert.Equal(t, want, sum.DataPoints[0].Value, name)
}

func TestProcessorLifecycle(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, typeStr, f.Type().String())
	require.NoError(t, componenttest.CheckConfigStruct(f.CreateDefaultConfig()))
	p, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(f.Type()), f.CreateDefaultConfig(), consumertest.NewNop())
	require.NoError(t, err)
	assert.True(t, p.Capabilities().MutatesData)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, p.Shutdown(context.Background()))
}

// BenchmarkLLMSpan measures the cost of pricing one LLM span once its model
// string is in the lookup cache, which is the steady state.
func BenchmarkLLMSpan(b *testing.B) {
	p, err := newCostProcessor(&Config{CacheSize: 4096}, componenttest.NewNopTelemetrySettings())
	require.NoError(b, err)
	const spansPerBatch = 100
	models := []string{"gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "gemini-1.5-pro-002"}
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for i := range spansPerBatch {
		s := spans.AppendEmpty()
		s.SetName(fmt.Sprintf("chat %d", i))
		a := s.Attributes()
		a.PutStr(semconv.GenAIProviderName, "openai")
		a.PutStr(semconv.GenAIRequestModel, models[i%len(models)])
		a.PutInt(semconv.GenAIUsageInputTokens, 1200)
		a.PutInt(semconv.GenAIUsageOutputTokens, 300)
		a.PutInt(semconv.GenAIUsageCacheReadTokens, 1000)
	}
	ctx := context.Background()
	// Each iteration gets spans that have not been processed yet, as in
	// production, where the output attributes are new on every span.
	const copies = 64
	batches := make([]ptrace.Traces, copies)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if n%copies == 0 {
			b.StopTimer()
			for i := range batches {
				batches[i] = ptrace.NewTraces()
				td.CopyTo(batches[i])
			}
			b.StartTimer()
		}
		if _, err := p.processTraces(ctx, batches[n%copies]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*spansPerBatch), "ns/span")
}

// BenchmarkLookupMiss measures the matcher itself, i.e. what the cache saves.
func BenchmarkLookupMiss(b *testing.B) {
	p, err := newCostProcessor(&Config{CacheSize: 1}, componenttest.NewNopTelemetrySettings())
	require.NoError(b, err)
	i := 0
	for b.Loop() {
		i++
		p.table.Lookup("", fmt.Sprintf("us.anthropic.claude-3-5-sonnet-20241022-v2:%d", i))
	}
}

func TestConcurrentBatchesWithEvictions(t *testing.T) {
	// A tiny cache forces evictions while several pipelines share the table.
	p, err := newCostProcessor(&Config{CacheSize: 4}, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	// deepseek-chat's price depends on the time of day; pin the clock.
	p.now = func() time.Time { return time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC) }
	models := []string{"gpt-4o", "claude-3-5-sonnet-20241022", "gemini-1.5-pro", "deepseek-chat", "unknown-model-x", "mistral-large-latest", "o3-mini"}
	want := map[string]any{}
	for _, m := range models {
		want[m] = runSpan(t, p, map[string]any{semconv.GenAIRequestModel: m, semconv.GenAIUsageInputTokens: 1000, semconv.GenAIUsageOutputTokens: 100})[semconv.CostTotalUSD]
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				m := models[(w+i)%len(models)]
				td := ptrace.NewTraces()
				span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
				span.Attributes().PutStr(semconv.GenAIRequestModel, m)
				span.Attributes().PutInt(semconv.GenAIUsageInputTokens, 1000)
				span.Attributes().PutInt(semconv.GenAIUsageOutputTokens, 100)
				if _, err := p.processTraces(context.Background(), td); err != nil {
					errs <- err
					return
				}
				if got := span.Attributes().AsRaw()[semconv.CostTotalUSD]; got != want[m] {
					errs <- fmt.Errorf("%s: got %v, want %v", m, got, want[m])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Nil(t, want["unknown-model-x"])
	assert.NotNil(t, want["gpt-4o"])
}

func TestSpanStartTimeSelectsDatedPrice(t *testing.T) {
	p, err := newCostProcessor(&Config{}, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	// o3 cost $10/M in and $40/M out until 2025-06-10, then $2/M and $8/M:
	// 1M in + 1M out is $50 before and $10 after.
	for _, tc := range []struct {
		start time.Time
		want  float64
	}{
		{time.Date(2025, 6, 9, 12, 0, 0, 0, time.UTC), 50},
		{time.Date(2025, 6, 11, 12, 0, 0, 0, time.UTC), 10},
	} {
		td := ptrace.NewTraces()
		span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		span.SetStartTimestamp(pcommon.NewTimestampFromTime(tc.start))
		require.NoError(t, span.Attributes().FromRaw(map[string]any{
			semconv.GenAIProviderName: "openai", semconv.GenAIResponseModel: "o3-2025-04-16",
			semconv.GenAIUsageInputTokens: 1000000, semconv.GenAIUsageOutputTokens: 1000000,
		}))
		_, err := p.processTraces(context.Background(), td)
		require.NoError(t, err)
		v, ok := span.Attributes().Get(semconv.CostTotalUSD)
		require.True(t, ok)
		assert.InDelta(t, tc.want, v.Double(), 1e-9, tc.start.String())
	}
}
