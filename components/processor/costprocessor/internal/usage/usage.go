// Package usage reads an LLM call's model, provider and token counts from
// span attributes in every convention AgentStack accepts, and converts the
// counts into one accounting form (pricing.Tokens).
package usage

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/pricing"
	"github.com/agentstack/agentstack/internal/semconv"
)

// Keys are listed in order of preference: the current OTel GenAI name, the
// legacy GenAI name, OpenInference, then the seed SDK.
var (
	inputKeys      = []string{semconv.GenAIUsageInputTokens, semconv.GenAIUsagePromptTokens, semconv.OITokenPrompt, semconv.SeedTokensIn}
	outputKeys     = []string{semconv.GenAIUsageOutputTokens, semconv.GenAIUsageCompletionTokens, semconv.OITokenCompletion, semconv.SeedTokensOut}
	cacheReadKeys  = []string{semconv.GenAIUsageCacheReadTokens, semconv.GenAIUsageCacheReadInputTokens, semconv.OITokenCacheRead}
	cacheWriteKeys = []string{semconv.GenAIUsageCacheCreateTokens, semconv.GenAIUsageCacheCreateInputTokens, semconv.OITokenCacheWrite}
	reasoningKeys  = []string{semconv.GenAIUsageReasoningTokens, semconv.OITokenReasoning}
	totalKeys      = []string{semconv.LLMUsageTotalTokens, semconv.OITokenTotal}
	// The response model names what actually ran (a dated version, the
	// model behind an alias), so it comes first. OpenInference's
	// llm.model_name is set from the response when there is one.
	modelKeys    = []string{semconv.GenAIResponseModel, semconv.OIModelName, semconv.GenAIRequestModel, semconv.SeedLLMModel}
	providerKeys = []string{semconv.GenAIProviderName, semconv.GenAISystem, semconv.OIProvider, semconv.OISystem}
)

// Count is one token count as read, with whether it was present at all.
type Count struct {
	N   int64
	Set bool
}

// Usage is what a span says about its LLM call.
type Usage struct {
	// Models are the distinct model strings in preference order.
	Models     []string
	Provider   string
	Input      Count
	Output     Count
	CacheRead  Count
	CacheWrite Count
	Reasoning  Count
	Total      Count
}

// IsLLM reports whether the span describes an LLM call at all.
func (u *Usage) IsLLM() bool {
	return len(u.Models) > 0 || u.HasTokens()
}

// HasTokens reports whether any token count was present.
func (u *Usage) HasTokens() bool {
	return u.Input.Set || u.Output.Set || u.CacheRead.Set || u.CacheWrite.Set || u.Reasoning.Set || u.Total.Set
}

// Read extracts usage from span attributes. Counts may be ints, doubles or
// numeric strings; negative or unparsable values are ignored.
func Read(attrs pcommon.Map) Usage {
	var u Usage
	for _, k := range modelKeys {
		if v, ok := attrs.Get(k); ok {
			s := strings.TrimSpace(v.AsString())
			if s != "" && !slices.Contains(u.Models, s) {
				u.Models = append(u.Models, s)
			}
		}
	}
	for _, k := range providerKeys {
		if v, ok := attrs.Get(k); ok {
			if s := strings.TrimSpace(v.AsString()); s != "" {
				u.Provider = s
				break
			}
		}
	}
	u.Input = readCount(attrs, inputKeys)
	u.Output = readCount(attrs, outputKeys)
	u.CacheRead = readCount(attrs, cacheReadKeys)
	u.CacheWrite = readCount(attrs, cacheWriteKeys)
	u.Reasoning = readCount(attrs, reasoningKeys)
	u.Total = readCount(attrs, totalKeys)
	return u
}

func readCount(attrs pcommon.Map, keys []string) Count {
	for _, k := range keys {
		v, ok := attrs.Get(k)
		if !ok {
			continue
		}
		if n, ok := toCount(v); ok {
			return Count{N: n, Set: true}
		}
	}
	return Count{}
}

func toCount(v pcommon.Value) (int64, bool) {
	switch v.Type() {
	case pcommon.ValueTypeInt:
		n := v.Int()
		return n, n >= 0
	case pcommon.ValueTypeDouble:
		return fromFloat(v.Double())
	case pcommon.ValueTypeStr:
		s := strings.TrimSpace(v.Str())
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, n >= 0
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return fromFloat(f)
		}
	}
	return 0, false
}

func fromFloat(f float64) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > math.MaxInt64/2 {
		return 0, false
	}
	return int64(math.Round(f)), true
}

// Mode says how a provider's sub-counts relate to their parent count.
type Mode int

const (
	// Auto decides per span (see Tokens).
	Auto Mode = iota
	// Included: cache tokens are inside the input count and reasoning
	// tokens inside the output count (OpenAI, Gemini, the OTel GenAI and
	// OpenInference specs).
	Included
	// Separate: they are reported beside it (Anthropic's native API for
	// cache tokens, Gemini's native API for thinking tokens).
	Separate
)

// Accounting holds the modes for one provider.
type Accounting struct {
	Cache     Mode
	Reasoning Mode
}

// Tokens converts the counts into the pricing form, where Input includes
// cache reads and writes and Output includes reasoning. In Auto mode a
// sub-count is taken as reported separately when (1) a reported total
// equals the separate sum and not the included one, or (2) the sub-counts
// exceed their parent, which an included count cannot; otherwise it is
// taken as included, as the OTel GenAI and OpenInference conventions say.
func (u *Usage) Tokens(acc Accounting) pricing.Tokens {
	in, out := u.Input.N, u.Output.N
	cached := u.CacheRead.N + u.CacheWrite.N
	reasoning := u.Reasoning.N

	cacheSep := decide(acc.Cache, cached, in)
	reasonSep := decide(acc.Reasoning, reasoning, out)
	if u.Total.Set && (acc.Cache == Auto || acc.Reasoning == Auto) {
		cacheSep, reasonSep = fitTotal(u.Total.N, in, out, cached, reasoning, acc, cacheSep, reasonSep)
	}
	if !u.Input.Set {
		// Only cache counts: they are all the input there is.
		cacheSep = true
	}
	if cacheSep {
		in += cached
	}
	if reasonSep {
		out += reasoning
	}
	return pricing.Tokens{
		Input:      in,
		CacheRead:  u.CacheRead.N,
		CacheWrite: u.CacheWrite.N,
		Output:     out,
		Reasoning:  reasoning,
	}
}

func decide(m Mode, part, whole int64) bool {
	switch m {
	case Separate:
		return true
	case Included:
		return false
	default:
		return part > whole
	}
}

// fitTotal lets a reported total settle the Auto choices: if exactly one
// combination of the free choices adds up to it, that one is taken.
func fitTotal(total, in, out, cached, reasoning int64, acc Accounting, cacheSep, reasonSep bool) (bool, bool) {
	cacheOpts := []bool{cacheSep}
	// A sub-count larger than its parent cannot be included in it, so that
	// choice stays fixed.
	if acc.Cache == Auto && cached > 0 && cached <= in {
		cacheOpts = []bool{false, true}
	}
	reasonOpts := []bool{reasonSep}
	if acc.Reasoning == Auto && reasoning > 0 && reasoning <= out {
		reasonOpts = []bool{false, true}
	}
	fits := 0
	var fc, fr bool
	for _, c := range cacheOpts {
		for _, r := range reasonOpts {
			sum := in + out
			if c {
				sum += cached
			}
			if r {
				sum += reasoning
			}
			if sum == total {
				fits++
				fc, fr = c, r
			}
		}
	}
	if fits == 1 {
		return fc, fr
	}
	return cacheSep, reasonSep
}
