package pricing

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/prices"
)

// A fixed call time inside DeepSeek's standard-price hours (00:30–16:30
// UTC), so no off-peak discount applies.
var callTime = time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC)

func TestLookupRealModelStrings(t *testing.T) {
	tbl := newTestTable(t, Options{})
	tests := []struct {
		provider, model string
		// What the lookup must find.
		priceProvider, priceModel string
		// What the span reports.
		clean, reported string
	}{
		// OpenAI
		{"openai", "gpt-4o", "openai", "gpt-4o", "gpt-4o", "openai"},
		{"openai", "gpt-4o-2024-08-06", "openai", "gpt-4o", "gpt-4o-2024-08-06", "openai"},
		{"openai", "gpt-4o-2024-05-13", "openai", "gpt-4o-2024-05-13", "gpt-4o-2024-05-13", "openai"},
		{"", "gpt-4o-mini-2024-07-18", "openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "openai"},
		{"openai", "o1-2024-12-17", "openai", "o1", "o1-2024-12-17", "openai"},
		{"openai", "o3-mini", "openai", "o3-mini", "o3-mini", "openai"},
		{"openai", "gpt-4-0613", "openai", "gpt-4", "gpt-4-0613", "openai"},
		{"openai", "gpt-3.5-turbo-0125", "openai", "gpt-3.5-turbo", "gpt-3.5-turbo-0125", "openai"},
		{"", "openai/gpt-4o", "openai", "gpt-4o", "gpt-4o", "openai"},
		{"openai", "text-embedding-3-small", "openai", "text-embedding-3-small", "text-embedding-3-small", "openai"},
		{"OpenAI", "GPT-4.1", "openai", "gpt-4.1", "gpt-4.1", "openai"},
		// Anthropic
		{"anthropic", "claude-3-5-sonnet-20241022", "anthropic", "claude-3-5-sonnet", "claude-3-5-sonnet-20241022", "anthropic"},
		{"anthropic", "claude-3-5-sonnet-latest", "anthropic", "claude-3-5-sonnet", "claude-3-5-sonnet-latest", "anthropic"},
		{"anthropic", "claude-3-7-sonnet-20250219", "anthropic", "claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219", "anthropic"},
		{"anthropic", "claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4-0", "claude-sonnet-4-20250514", "anthropic"},
		{"anthropic", "claude-opus-4-1-20250805", "anthropic", "claude-opus-4-1", "claude-opus-4-1-20250805", "anthropic"},
		{"anthropic", "claude-3-haiku-20240307", "anthropic", "claude-3-haiku", "claude-3-haiku-20240307", "anthropic"},
		{"", "anthropic/claude-3-5-haiku", "anthropic", "claude-3-5-haiku-latest", "claude-3-5-haiku", "anthropic"},
		// Google (Gemini API and Vertex AI)
		{"gcp.gemini", "gemini-1.5-pro", "google", "gemini-1.5-pro", "gemini-1.5-pro", "google"},
		{"gcp.vertex_ai", "gemini-1.5-pro-002", "google", "gemini-1.5-pro", "gemini-1.5-pro-002", "google"},
		{"", "models/gemini-2.0-flash", "google", "gemini-2.0-flash", "gemini-2.0-flash", "google"},
		{"google", "gemini-2.5-pro", "google", "gemini-2.5-pro", "gemini-2.5-pro", "google"},
		{"vertex_ai", "gemini-2.5-pro-preview-tts", "google", "gemini-2.5-pro-tts", "gemini-2.5-pro-preview-tts", "google"},
		{"", "projects/p/locations/us-central1/publishers/google/models/gemini-1.5-flash-002", "google", "gemini-1.5-flash", "gemini-1.5-flash-002", "google"},
		{"gcp.vertex_ai", "claude-3-5-sonnet-v2@20241022", "google", "claude-3-5-sonnet", "claude-3-5-sonnet-v2-20241022", "google"},
		// Bedrock: region and vendor prefixes, -vN:M suffixes, ARNs
		{"aws.bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "aws", "regional.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022", "aws"},
		{"", "anthropic.claude-3-5-sonnet-20240620-v1:0", "aws", "regional.anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet-20240620", "aws"},
		{"", "eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "aws", "regional.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet-20250219", "aws"},
		{"aws.bedrock", "amazon.nova-pro-v1:0", "aws", "amazon.nova-pro-v1:0", "nova-pro", "aws"},
		{"aws.bedrock", "us.amazon.nova-lite-v1:0", "aws", "amazon.nova-lite-v1:0", "nova-lite", "aws"},
		{"aws.bedrock", "meta.llama3-1-70b-instruct-v1:0", "aws", "meta.llama3-1-70b-instruct-v1:0", "llama3-1-70b-instruct", "aws"},
		{"", "bedrock/anthropic.claude-3-haiku-20240307-v1:0", "aws", "regional.anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307", "aws"},
		{"", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0", "aws", "regional.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022", "aws"},
		// Azure: the provider's own list, then its fallback to OpenAI
		{"azure.ai.openai", "gpt-4o", "openai", "gpt-4o", "gpt-4o", "azure"},
		{"azure.ai.openai", "gpt-4o-2024-11-20", "openai", "gpt-4o", "gpt-4o-2024-11-20", "azure"},
		{"az.ai.inference", "o3-mini", "azure", "o3-mini", "o3-mini", "azure"},
		{"azure.ai.inference", "phi-4", "azure", "phi-4", "phi-4", "azure"},
		// Mistral
		{"mistral_ai", "mistral-large-latest", "mistral", "mistral-large", "mistral-large-latest", "mistral"},
		{"", "codestral-latest", "mistral", "codestral", "codestral-latest", "mistral"},
		{"mistralai", "open-mistral-nemo", "mistral", "mistral-nemo", "open-mistral-nemo", "mistral"},
		{"", "mistral/mistral-small-latest", "mistral", "mistral-small-latest", "mistral-small-latest", "mistral"},
		// DeepSeek
		{"deepseek", "deepseek-chat", "deepseek", "deepseek-chat", "deepseek-chat", "deepseek"},
		{"deepseek", "deepseek-reasoner", "deepseek", "deepseek-reasoner", "deepseek-reasoner", "deepseek"},
		{"", "deepseek-r1", "deepseek", "deepseek-reasoner", "deepseek-r1", "deepseek"},
		// Groq
		{"groq", "llama-3.3-70b-versatile", "groq", "llama-3.3-70b-versatile", "llama-3.3-70b-versatile", "groq"},
		{"groq", "llama-3.1-8b-instant", "groq", "llama-3.1-8b-instant", "llama-3.1-8b-instant", "groq"},
		{"", "groq/llama-3.3-70b-versatile", "groq", "llama-3.3-70b-versatile", "llama-3.3-70b-versatile", "groq"},
		{"groq", "deepseek-r1-distill-llama-70b", "groq", "deepseek-r1-distill-llama-70b", "deepseek-r1-distill-llama-70b", "groq"},
		// Others
		{"x_ai", "grok-2-1212", "x-ai", "grok-2-1212", "grok-2-1212", "x-ai"},
		{"cohere", "command-r-plus", "cohere", "command-r-plus", "command-r-plus", "cohere"},
		{"openrouter", "anthropic/claude-3.5-sonnet", "openrouter", "anthropic/claude-3.5-sonnet", "claude-3.5-sonnet", "openrouter"},
		// An OpenAI-compatible gateway calling a Claude model.
		{"openai", "claude-3-5-sonnet-20241022", "anthropic", "claude-3-5-sonnet", "claude-3-5-sonnet-20241022", "openai"},
	}
	require.GreaterOrEqual(t, len(tests), 40)
	for _, tc := range tests {
		t.Run(tc.provider+"|"+tc.model, func(t *testing.T) {
			r := tbl.Lookup(tc.provider, tc.model)
			require.True(t, r.Priced, "no price found")
			assert.Equal(t, tc.priceProvider, r.PriceProvider)
			assert.Equal(t, tc.priceModel, r.PriceModel)
			assert.Equal(t, tc.clean, r.Model)
			assert.Equal(t, tc.reported, r.Provider)
			assert.Equal(t, "@pydantic/genai-prices@0.1.8", r.Source)
		})
	}
}

func TestLookupLeavesUnknownModelsUnpriced(t *testing.T) {
	tbl := newTestTable(t, Options{})
	for _, tc := range [][2]string{
		{"", "totally-unknown-model"},
		{"azure", "my-prod-gpt4o"}, // a deployment name needs an alias
		{"mistral_ai", "mistral-small-2409"},
		{"", ""},
	} {
		r := tbl.Lookup(tc[0], tc[1])
		assert.False(t, r.Priced, "%v should be unpriced, matched %s/%s", tc, r.PriceProvider, r.PriceModel)
		assert.Equal(t, Cost{}, r.Cost(Tokens{Input: 1000, Output: 1000}, callTime))
	}
}

func assertUSD(t *testing.T, want, got float64, what string) {
	t.Helper()
	assert.InDelta(t, want, got, 1e-12, "%s: want %.10f got %.10f", what, want, got)
}

func TestHandCheckedCosts(t *testing.T) {
	tbl := newTestTable(t, Options{})

	t.Run("gpt-4o", func(t *testing.T) {
		// $2.50/M input, $10/M output:
		// 1,000 × 2.50/1e6 = 0.0025; 100 × 10/1e6 = 0.001; total 0.0035.
		c := tbl.Lookup("openai", "gpt-4o").Cost(Tokens{Input: 1000, Output: 100}, callTime)
		assertUSD(t, 0.0025, c.Input, "input")
		assertUSD(t, 0.001, c.Output, "output")
		assertUSD(t, 0.0035, c.Total, "total")
	})

	t.Run("gpt-4o with cached input", func(t *testing.T) {
		// OpenAI counts cached tokens inside the prompt: 10,000 input of
		// which 8,000 cached. 2,000 × 2.50/1e6 = 0.005; 8,000 × 1.25/1e6
		// = 0.01; 500 output × 10/1e6 = 0.005. Total 0.02.
		c := tbl.Lookup("openai", "gpt-4o-2024-08-06").Cost(Tokens{Input: 10000, CacheRead: 8000, Output: 500}, callTime)
		assertUSD(t, 0.015, c.Input, "input")
		assertUSD(t, 0.005, c.Output, "output")
		assertUSD(t, 0.02, c.Total, "total")
	})

	t.Run("claude 3.5 sonnet with cache writes and reads", func(t *testing.T) {
		// $3/M input, $3.75/M cache write, $0.30/M cache read, $15/M output.
		// 1,000 uncached + 2,000 written + 10,000 read = 13,000 input tokens.
		//   uncached 1,000 × 3/1e6    = 0.003
		//   written  2,000 × 3.75/1e6 = 0.0075
		//   read    10,000 × 0.30/1e6 = 0.003
		//   input                     = 0.0135
		//   output     500 × 15/1e6   = 0.0075
		//   total                     = 0.021
		for _, name := range []string{"claude-3-5-sonnet-20241022", "us.anthropic.claude-3-5-sonnet-20241022-v2:0"} {
			c := tbl.Lookup("", name).Cost(Tokens{Input: 13000, CacheWrite: 2000, CacheRead: 10000, Output: 500}, callTime)
			assertUSD(t, 0.0135, c.Input, name+" input")
			assertUSD(t, 0.0075, c.Output, name+" output")
			assertUSD(t, 0.021, c.Total, name+" total")
		}
	})

	t.Run("gemini 1.5 pro past its 128k tier", func(t *testing.T) {
		// $1.25/M input and $5/M output up to 128k prompt tokens; above,
		// $2.50/M and $10/M for the whole call.
		//   below: 100,000 × 1.25/1e6 = 0.125; 1,000 × 5/1e6 = 0.005
		//   above: 200,000 × 2.50/1e6 = 0.5;   1,000 × 10/1e6 = 0.01
		r := tbl.Lookup("gcp.gemini", "gemini-1.5-pro")
		below := r.Cost(Tokens{Input: 100000, Output: 1000}, callTime)
		assertUSD(t, 0.125, below.Input, "below input")
		assertUSD(t, 0.005, below.Output, "below output")
		above := r.Cost(Tokens{Input: 200000, Output: 1000}, callTime)
		assertUSD(t, 0.5, above.Input, "above input")
		assertUSD(t, 0.01, above.Output, "above output")
		assertUSD(t, 0.51, above.Total, "above total")
		// The threshold itself is still the base tier.
		at := r.Cost(Tokens{Input: 128000}, callTime)
		assertUSD(t, 0.16, at.Input, "at threshold")
	})

	t.Run("gemini 2.5 pro past its 200k tier with cached input", func(t *testing.T) {
		// Above 200k: $2.50/M input, $0.25/M cache read, $15/M output.
		//   uncached 150,000 × 2.50/1e6 = 0.375
		//   cached   100,000 × 0.25/1e6 = 0.025
		//   output     2,000 × 15/1e6   = 0.03
		c := tbl.Lookup("google", "gemini-2.5-pro").Cost(Tokens{Input: 250000, CacheRead: 100000, Output: 2000}, callTime)
		assertUSD(t, 0.4, c.Input, "input")
		assertUSD(t, 0.03, c.Output, "output")
	})

	t.Run("deepseek off-peak window", func(t *testing.T) {
		// deepseek-chat: $0.27/M in, $1.10/M out from 00:30 to 16:30 UTC,
		// $0.135/M and $0.55/M outside it.
		r := tbl.Lookup("deepseek", "deepseek-chat")
		peak := r.Cost(Tokens{Input: 1000000, Output: 1000000}, time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))
		assertUSD(t, 1.37, peak.Total, "peak")
		off := r.Cost(Tokens{Input: 1000000, Output: 1000000}, time.Date(2025, 3, 1, 20, 0, 0, 0, time.UTC))
		assertUSD(t, 0.685, off.Total, "off-peak")
	})

	t.Run("o3 price cut on 2025-06-10", func(t *testing.T) {
		// o3: $10/M in and $40/M out, then $2/M and $8/M from 2025-06-10.
		r := tbl.Lookup("openai", "o3")
		before := r.Cost(Tokens{Input: 1000000, Output: 1000000}, time.Date(2025, 6, 9, 23, 59, 0, 0, time.UTC))
		assertUSD(t, 50, before.Total, "before")
		after := r.Cost(Tokens{Input: 1000000, Output: 1000000}, time.Date(2025, 6, 10, 0, 0, 0, 0, time.UTC))
		assertUSD(t, 10, after.Total, "after")
	})
}

func TestOverridesAndAliases(t *testing.T) {
	in, out, cr := 1.0, 4.0, 0.1
	tbl := newTestTable(t, Options{
		Overrides: []Override{
			{Model: "acme-finetune-v3", Prices: prices.PriceSet{InputMTok: &prices.Price{Base: in}, OutputMTok: &prices.Price{Base: out}}},
			// A negotiated discount replaces the snapshot's gpt-4o price.
			{Model: "gpt-4o", Provider: "azure", Prices: prices.PriceSet{InputMTok: &prices.Price{Base: 2}, OutputMTok: &prices.Price{Base: 8}, CacheReadMTok: &prices.Price{Base: cr}}},
			{Model: "ft:gpt-4o-mini", Prefix: true, Prices: prices.PriceSet{InputMTok: &prices.Price{Base: 0.3}, OutputMTok: &prices.Price{Base: 1.2}}},
		},
		Aliases: map[string]string{"My-Prod-GPT4o": "gpt-4o", "eu-claude": "claude-3-5-sonnet-20241022"},
	})

	r := tbl.Lookup("", "ACME-finetune-v3")
	require.True(t, r.Priced)
	assert.Equal(t, "override", r.Source)
	// 1,000 × 1/1e6 + 1,000 × 4/1e6 = 0.005
	assertUSD(t, 0.005, r.Cost(Tokens{Input: 1000, Output: 1000}, callTime).Total, "custom model")

	// Azure deployment name → gpt-4o → the Azure-only override.
	r = tbl.Lookup("azure.ai.openai", "my-prod-gpt4o")
	require.True(t, r.Priced)
	assert.Equal(t, "override", r.Source)
	assert.Equal(t, "gpt-4o", r.Model)
	// 1,000 uncached × 2/1e6 + 1,000 cached × 0.1/1e6 + 1,000 × 8/1e6 = 0.0101
	assertUSD(t, 0.0101, r.Cost(Tokens{Input: 2000, CacheRead: 1000, Output: 1000}, callTime).Total, "azure override")

	// The same model elsewhere keeps the snapshot price.
	r = tbl.Lookup("openai", "gpt-4o")
	assert.Equal(t, "@pydantic/genai-prices@0.1.8", r.Source)

	r = tbl.Lookup("openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123")
	assert.Equal(t, "override", r.Source)

	// LiteLLM's "azure/<deployment>" form: the prefix gives the provider.
	r = tbl.Lookup("", "azure/My-Prod-GPT4o")
	require.True(t, r.Priced)
	assert.Equal(t, "override", r.Source)
	assert.Equal(t, "azure", r.Provider)

	r = tbl.Lookup("anthropic", "eu-claude")
	require.True(t, r.Priced)
	assert.Equal(t, "claude-3-5-sonnet", r.PriceModel)
}

func TestLookupCacheIsBounded(t *testing.T) {
	tbl := newTestTable(t, Options{CacheSize: 64})
	for i := range 1000 {
		tbl.Lookup("openai", fmt.Sprintf("gpt-4o-custom-%d", i))
	}
	assert.LessOrEqual(t, tbl.cache.len(), 64)
	// A memoised result is returned as is, without re-running the matcher.
	a := tbl.Lookup("openai", "gpt-4o")
	b := tbl.Lookup("openai", "gpt-4o")
	assert.Same(t, a, b)
}

func TestEverySnapshotRuleCompiles(t *testing.T) {
	snap, err := prices.Load()
	require.NoError(t, err)
	models := 0
	for _, p := range snap.Providers {
		for _, m := range p.Models {
			_, err := compileMatch(m.Match)
			require.NoError(t, err, "%s/%s", p.ID, m.ID)
			models++
		}
	}
	assert.Greater(t, models, 1400)
	assert.Equal(t, "0.1.8", snap.Source.Version)
	assert.Equal(t, "MIT", snap.Source.License)
	assert.NotEmpty(t, snap.Source.Retrieved)
}

func TestTranslatedLookaheadStillExcludes(t *testing.T) {
	// The snapshot's gemini-2.5-pro rule carried a JS look-ahead excluding
	// TTS variants; the generator rewrote it for RE2.
	tbl := newTestTable(t, Options{})
	assert.Equal(t, "gemini-2.5-pro", tbl.Lookup("google", "gemini-2.5-pro-preview-06-05").PriceModel)
	assert.Equal(t, "gemini-2.5-pro-tts", tbl.Lookup("google", "gemini-2.5-pro-tts").PriceModel)
	// Mistral's provider rule, ^(?![^/]+/)…, refuses "vendor/model" strings.
	snap, err := prices.Load()
	require.NoError(t, err)
	for _, p := range snap.Providers {
		if p.ID != "mistral" {
			continue
		}
		f, err := compileMatch(*p.ModelMatch)
		require.NoError(t, err)
		assert.True(t, f("mistral-large-latest"))
		assert.True(t, f("codestral-2501"))
		assert.False(t, f("acme/mistral-large-latest"))
		assert.False(t, f("gpt-4o"))
	}
}
