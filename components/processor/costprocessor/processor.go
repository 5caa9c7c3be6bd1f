package costprocessor

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/prices"
	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/pricing"
	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/usage"
	"github.com/agentstack/agentstack/internal/semconv"
)

const scopeName = "github.com/agentstack/agentstack/components/processor/costprocessor"

type costProcessor struct {
	logger     *zap.Logger
	table      *pricing.Table
	accounting map[string]usage.Accounting
	// now stands in for a span without a start time.
	now func() time.Time

	unpriced        atomic.Uint64
	priced          atomic.Uint64
	unpricedCounter metric.Int64Counter
	pricedCounter   metric.Int64Counter
}

func newCostProcessor(cfg *Config, set component.TelemetrySettings) (*costProcessor, error) {
	snap, err := prices.Load()
	if err != nil {
		return nil, err
	}
	opts := pricing.Options{CacheSize: cfg.CacheSize, Aliases: cfg.Aliases}
	for _, m := range cfg.Models {
		opts.Overrides = append(opts.Overrides, pricing.Override{
			Model:    m.Model,
			Prefix:   m.Match == "prefix",
			Provider: m.Provider,
			Prices: prices.PriceSet{
				InputMTok:           flat(m.InputPerMTok),
				OutputMTok:          flat(m.OutputPerMTok),
				CacheReadMTok:       flat(m.CacheReadPerMTok),
				CacheWriteMTok:      flat(m.CacheWritePerMTok),
				OutputReasoningMTok: flat(m.ReasoningPerMTok),
			},
		})
	}
	table, err := pricing.NewTable(snap, opts)
	if err != nil {
		return nil, fmt.Errorf("compiling the price table: %w", err)
	}
	p := &costProcessor{
		logger:     set.Logger,
		table:      table,
		accounting: make(map[string]usage.Accounting, len(cfg.TokenAccounting)),
		now:        time.Now,
	}
	for name, acc := range cfg.TokenAccounting {
		p.accounting[pricing.CanonicalProvider(name)] = usage.Accounting{
			Cache:     parseMode(acc.CacheTokens),
			Reasoning: parseMode(acc.ReasoningTokens),
		}
	}
	meter := set.MeterProvider.Meter(scopeName)
	if p.unpricedCounter, err = meter.Int64Counter("agentstack.cost.unpriced_spans",
		metric.WithDescription("LLM spans for which no cost could be computed (no price for the model, or no usable token counts)."),
		metric.WithUnit("{span}")); err != nil {
		return nil, fmt.Errorf("creating the unpriced counter: %w", err)
	}
	if p.pricedCounter, err = meter.Int64Counter("agentstack.cost.priced_spans",
		metric.WithDescription("LLM spans given a USD cost."),
		metric.WithUnit("{span}")); err != nil {
		return nil, fmt.Errorf("creating the priced counter: %w", err)
	}
	src := table.Source()
	set.Logger.Info("Price table loaded",
		zap.String("package", src.Package), zap.String("version", src.Version),
		zap.String("retrieved", src.Retrieved), zap.Int("overrides", len(cfg.Models)))
	return p, nil
}

func flat(v *float64) *prices.Price {
	if v == nil {
		return nil
	}
	return &prices.Price{Base: *v}
}

func parseMode(s string) usage.Mode {
	switch s {
	case "included":
		return usage.Included
	case "separate":
		return usage.Separate
	default:
		return usage.Auto
	}
}

// UnpricedSpans is the number of LLM spans left without a cost so far.
func (p *costProcessor) UnpricedSpans() uint64 { return p.unpriced.Load() }

// PricedSpans is the number of LLM spans given a cost so far.
func (p *costProcessor) PricedSpans() uint64 { return p.priced.Load() }

func (p *costProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	var priced, unpriced int64
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				switch p.processSpan(spans.At(k)) {
				case outcomePriced:
					priced++
				case outcomeUnpriced:
					unpriced++
				}
			}
		}
	}
	if priced > 0 {
		p.priced.Add(uint64(priced))
		p.pricedCounter.Add(ctx, priced)
	}
	if unpriced > 0 {
		p.unpriced.Add(uint64(unpriced))
		p.unpricedCounter.Add(ctx, unpriced)
	}
	return td, nil
}

type outcome int

const (
	outcomeNotLLM outcome = iota
	outcomeNoUsage
	outcomePriced
	outcomeUnpriced
)

func (p *costProcessor) processSpan(span ptrace.Span) outcome {
	attrs := span.Attributes()
	u := usage.Read(attrs)
	if !u.IsLLM() {
		return outcomeNotLLM
	}

	// The first model string that prices wins; if none does, the first one
	// (the response model when there is one) is what the span reports.
	var res *pricing.Result
	for _, m := range u.Models {
		r := p.table.Lookup(u.Provider, m)
		if res == nil || (r.Priced && !res.Priced) {
			res = r
		}
		if r.Priced {
			break
		}
	}
	var provider string
	if res != nil {
		if res.Model != "" {
			attrs.PutStr(semconv.LLMModel, res.Model)
		}
		provider = res.Provider
	} else {
		provider = pricing.CanonicalProvider(u.Provider)
	}
	if provider != "" {
		attrs.PutStr(semconv.LLMProvider, provider)
	}
	if !u.HasTokens() {
		return outcomeNoUsage
	}

	tok := u.Tokens(p.accounting[provider])
	total := tok.Input + tok.Output
	if !u.Input.Set && !u.Output.Set && !u.CacheRead.Set && !u.CacheWrite.Set {
		total = u.Total.N
	}
	attrs.PutInt(semconv.UsageInputTokens, tok.Input)
	attrs.PutInt(semconv.UsageOutputTokens, tok.Output)
	attrs.PutInt(semconv.UsageCacheReadTokens, tok.CacheRead)
	attrs.PutInt(semconv.UsageCacheWriteTokens, tok.CacheWrite)
	attrs.PutInt(semconv.UsageReasoningTokens, tok.Reasoning)
	attrs.PutInt(semconv.UsageTotalTokens, total)

	if res == nil || !res.Priced || (tok.Input == 0 && tok.Output == 0 && total > 0) {
		p.markUnpriced(attrs, res, u)
		return outcomeUnpriced
	}
	at := span.StartTimestamp().AsTime()
	if span.StartTimestamp() == 0 {
		at = p.now()
	}
	c := res.Cost(tok, at)
	attrs.PutDouble(semconv.CostInputUSD, c.Input)
	attrs.PutDouble(semconv.CostOutputUSD, c.Output)
	attrs.PutDouble(semconv.CostTotalUSD, c.Total)
	attrs.PutStr(semconv.CostPriceSource, res.PriceSource)
	attrs.Remove(semconv.CostUnpriced)
	return outcomePriced
}

// markUnpriced flags the span and drops any cost figures a previous pass
// wrote, so a span never carries a guessed figure.
func (p *costProcessor) markUnpriced(attrs pcommon.Map, res *pricing.Result, u usage.Usage) {
	attrs.PutBool(semconv.CostUnpriced, true)
	attrs.Remove(semconv.CostInputUSD)
	attrs.Remove(semconv.CostOutputUSD)
	attrs.Remove(semconv.CostTotalUSD)
	attrs.Remove(semconv.CostPriceSource)
	switch {
	case res == nil:
		p.logger.Debug("LLM span without a model string; left unpriced")
	case res.FirstMiss():
		p.logger.Info("No price for model; its spans are marked agentstack.cost.unpriced",
			zap.String("model", strings.Join(u.Models, ", ")), zap.String("provider", u.Provider))
	}
}
