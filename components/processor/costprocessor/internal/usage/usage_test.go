package usage

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/pricing"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func attrs(kv map[string]any) pcommon.Map {
	m := pcommon.NewMap()
	if err := m.FromRaw(kv); err != nil {
		panic(err)
	}
	return m
}

func TestReadEachConvention(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want Usage
	}{
		{
			name: "otel genai current",
			in: map[string]any{
				"gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-3-5-sonnet-latest",
				"gen_ai.response.model": "claude-3-5-sonnet-20241022", "gen_ai.usage.input_tokens": 1300,
				"gen_ai.usage.output_tokens": 200, "gen_ai.usage.cache_read.input_tokens": 1000,
				"gen_ai.usage.cache_creation.input_tokens": 100, "gen_ai.usage.reasoning.output_tokens": 50,
			},
			want: Usage{
				Models: []string{"claude-3-5-sonnet-20241022", "claude-3-5-sonnet-latest"}, Provider: "anthropic",
				Input: Count{1300, true}, Output: Count{200, true}, CacheRead: Count{1000, true},
				CacheWrite: Count{100, true}, Reasoning: Count{50, true},
			},
		},
		{
			name: "otel genai legacy",
			in: map[string]any{
				"gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.prompt_tokens": 1000,
				"gen_ai.usage.completion_tokens": 100, "gen_ai.usage.cache_read_input_tokens": 400,
				"gen_ai.usage.cache_creation_input_tokens": 0, "llm.usage.total_tokens": 1100,
			},
			want: Usage{
				Models: []string{"gpt-4o"}, Provider: "openai", Input: Count{1000, true}, Output: Count{100, true},
				CacheRead: Count{400, true}, CacheWrite: Count{0, true}, Total: Count{1100, true},
			},
		},
		{
			name: "openinference",
			in: map[string]any{
				"llm.model_name": "gpt-4o-mini-2024-07-18", "llm.provider": "openai", "llm.system": "openai",
				"llm.token_count.prompt": 500, "llm.token_count.completion": 60, "llm.token_count.total": 560,
				"llm.token_count.prompt_details.cache_read": 128, "llm.token_count.prompt_details.cache_write": 7,
				"llm.token_count.completion_details.reasoning": 20,
			},
			want: Usage{
				Models: []string{"gpt-4o-mini-2024-07-18"}, Provider: "openai", Input: Count{500, true},
				Output: Count{60, true}, CacheRead: Count{128, true}, CacheWrite: Count{7, true},
				Reasoning: Count{20, true}, Total: Count{560, true},
			},
		},
		{
			name: "seed sdk",
			in:   map[string]any{"llm.model": "gpt-4", "llm.tokens.in": 42, "llm.tokens.out": 7},
			want: Usage{Models: []string{"gpt-4"}, Input: Count{42, true}, Output: Count{7, true}},
		},
		{
			name: "doubles and strings",
			in: map[string]any{
				"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 1000.0,
				"gen_ai.usage.output_tokens": "100", "gen_ai.usage.cache_read.input_tokens": " 12.0 ",
			},
			want: Usage{Models: []string{"gpt-4o"}, Input: Count{1000, true}, Output: Count{100, true}, CacheRead: Count{12, true}},
		},
		{
			name: "bad values are ignored, the next convention is read",
			in: map[string]any{
				"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": -5, "gen_ai.usage.prompt_tokens": 33,
				"gen_ai.usage.output_tokens": "many", "llm.tokens.out": 4, "gen_ai.usage.cache_read.input_tokens": true,
			},
			want: Usage{Models: []string{"gpt-4o"}, Input: Count{33, true}, Output: Count{4, true}},
		},
		{
			name: "current names win over legacy ones",
			in: map[string]any{
				"gen_ai.provider.name": "openai", "gen_ai.system": "azure", "gen_ai.request.model": "gpt-4o",
				"gen_ai.usage.input_tokens": 10, "gen_ai.usage.prompt_tokens": 99,
			},
			want: Usage{Models: []string{"gpt-4o"}, Provider: "openai", Input: Count{10, true}},
		},
		{
			name: "not an llm span",
			in:   map[string]any{"http.method": "GET", "tool.name": "search"},
			want: Usage{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Read(attrs(tc.in))
			assert.Equal(t, tc.want, got)
			assert.Equal(t, len(tc.want.Models) > 0 || tc.want.HasTokens(), got.IsLLM())
		})
	}
}

func TestTokenAccounting(t *testing.T) {
	c := func(n int64) Count { return Count{n, true} }
	tests := []struct {
		name string
		u    Usage
		acc  Accounting
		want pricing.Tokens
	}{
		{
			// OpenAI: prompt_tokens 10,000 of which 8,000 were cached.
			name: "openai cached tokens are inside input",
			u:    Usage{Input: c(10000), Output: c(500), CacheRead: c(8000)},
			want: pricing.Tokens{Input: 10000, CacheRead: 8000, Output: 500},
		},
		{
			// Anthropic's native usage: input_tokens 50 excludes the 5,000
			// read and 1,000 written; parts larger than the whole reveal it.
			name: "anthropic native counts are added",
			u:    Usage{Input: c(50), Output: c(300), CacheRead: c(5000), CacheWrite: c(1000)},
			want: pricing.Tokens{Input: 6050, CacheRead: 5000, CacheWrite: 1000, Output: 300},
		},
		{
			// Anthropic per the OTel GenAI spec: input already includes them.
			name: "anthropic spec counts are kept",
			u:    Usage{Input: c(6050), Output: c(300), CacheRead: c(5000), CacheWrite: c(1000)},
			want: pricing.Tokens{Input: 6050, CacheRead: 5000, CacheWrite: 1000, Output: 300},
		},
		{
			// Ambiguous by size (3,000 ≥ 1,000) but the total says separate.
			name: "total settles an ambiguous case",
			u:    Usage{Input: c(3000), Output: c(100), CacheRead: c(1000), Total: c(4100)},
			want: pricing.Tokens{Input: 4000, CacheRead: 1000, Output: 100},
		},
		{
			name: "total matching the included sum keeps it included",
			u:    Usage{Input: c(3000), Output: c(100), CacheRead: c(1000), Total: c(3100)},
			want: pricing.Tokens{Input: 3000, CacheRead: 1000, Output: 100},
		},
		{
			// Gemini native: candidates 200 exclude 150 thinking tokens;
			// totalTokenCount = 1,000 + 200 + 150.
			name: "gemini thinking tokens outside output",
			u:    Usage{Input: c(1000), Output: c(200), Reasoning: c(150), Total: c(1350)},
			want: pricing.Tokens{Input: 1000, Output: 350, Reasoning: 150},
		},
		{
			name: "reasoning inside output by default",
			u:    Usage{Input: c(1000), Output: c(200), Reasoning: c(150)},
			want: pricing.Tokens{Input: 1000, Output: 200, Reasoning: 150},
		},
		{
			name: "reasoning larger than output is separate",
			u:    Usage{Input: c(10), Output: c(20), Reasoning: c(500)},
			want: pricing.Tokens{Input: 10, Output: 520, Reasoning: 500},
		},
		{
			name: "configured separate",
			u:    Usage{Input: c(3000), Output: c(100), CacheRead: c(1000)},
			acc:  Accounting{Cache: Separate},
			want: pricing.Tokens{Input: 4000, CacheRead: 1000, Output: 100},
		},
		{
			name: "configured included ignores a contradicting total",
			u:    Usage{Input: c(3000), Output: c(100), CacheRead: c(1000), Total: c(4100)},
			acc:  Accounting{Cache: Included},
			want: pricing.Tokens{Input: 3000, CacheRead: 1000, Output: 100},
		},
		{
			name: "only cache counts",
			u:    Usage{CacheRead: c(700), CacheWrite: c(300), Output: c(5)},
			want: pricing.Tokens{Input: 1000, CacheRead: 700, CacheWrite: 300, Output: 5},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.u.Tokens(tc.acc))
		})
	}
}
