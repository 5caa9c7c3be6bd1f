// Package costprocessor prices every LLM call in a trace: it reads model and
// token usage from any of the conventions in use, matches the model against
// an embedded snapshot of a public price table plus configured overrides,
// and writes the normalized model, provider, token counts and USD cost onto
// the span.
package costprocessor // import "github.com/agentstack/agentstack/components/processor/costprocessor"

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
)

const (
	typeStr   = "cost"
	stability = component.StabilityLevelAlpha
)

// NewFactory returns the factory of the cost processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		component.MustNewType(typeStr),
		createDefaultConfig,
		processor.WithTraces(createTracesProcessor, stability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{CacheSize: 4096}
}

func createTracesProcessor(
	ctx context.Context,
	set processor.Settings,
	cfg component.Config,
	next consumer.Traces,
) (processor.Traces, error) {
	p, err := newCostProcessor(cfg.(*Config), set.TelemetrySettings)
	if err != nil {
		return nil, fmt.Errorf("creating the cost processor: %w", err)
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, p.processTraces,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}))
}
