package pricing

import (
	"regexp"
	"strings"
)

// providerAliases maps the provider names used by the telemetry conventions
// (gen_ai.provider.name, gen_ai.system, llm.provider, llm.system) and by
// model-string prefixes (LiteLLM "vertex_ai/…", OpenRouter "google/…") to
// price-table provider ids.
var providerAliases = map[string]string{
	"openai":             "openai",
	"azure":              "azure",
	"azure.ai.openai":    "azure",
	"azure.ai.inference": "azure",
	"az.ai.openai":       "azure",
	"az.ai.inference":    "azure",
	"azure_openai":       "azure",
	"azure-openai":       "azure",
	"azure_ai":           "azure",
	"azureopenai":        "azure",
	"aws":                "aws",
	"aws.bedrock":        "aws",
	"bedrock":            "aws",
	"bedrock_converse":   "aws",
	"amazon_bedrock":     "aws",
	"amazon-bedrock":     "aws",
	"anthropic":          "anthropic",
	"google":             "google",
	"gemini":             "google",
	"gcp.gemini":         "google",
	"gcp.vertex_ai":      "google",
	"gcp.gen_ai":         "google",
	"vertex_ai":          "google",
	"vertexai":           "google",
	"vertex":             "google",
	"vertex_ai_beta":     "google",
	"google_genai":       "google",
	"google-genai":       "google",
	"google_vertexai":    "google",
	"mistral":            "mistral",
	"mistralai":          "mistral",
	"mistral_ai":         "mistral",
	"deepseek":           "deepseek",
	"groq":               "groq",
	"x-ai":               "x-ai",
	"x_ai":               "x-ai",
	"xai":                "x-ai",
	"cohere":             "cohere",
	"perplexity":         "perplexity",
	"cerebras":           "cerebras",
	"openrouter":         "openrouter",
	"together":           "together",
	"together_ai":        "together",
	"together-ai":        "together",
	"togetherai":         "together",
	"fireworks":          "fireworks",
	"fireworks_ai":       "fireworks",
	"fireworks-ai":       "fireworks",
	"moonshot":           "moonshotai",
	"moonshotai":         "moonshotai",
	"zhipuai":            "zhipuai",
	"minimax":            "minimax",
}

// bedrockVendors maps the vendor segment of a Bedrock model id to the
// vendor's own price-table provider.
var bedrockVendors = map[string]string{
	"anthropic": "anthropic",
	"amazon":    "aws",
	"meta":      "aws",
	"mistral":   "mistral",
	"cohere":    "cohere",
	"deepseek":  "deepseek",
	"openai":    "openai",
	"ai21":      "aws",
	"qwen":      "aws",
	"writer":    "aws",
	"moonshot":  "moonshotai",
	"minimax":   "minimax",
	"google":    "google",
	"nvidia":    "aws",
	"zai":       "aws",
}

var (
	// us.anthropic.claude-3-5-sonnet-20241022-v2:0, anthropic.claude-v2:1,
	// global.anthropic.claude-sonnet-4-5-…, apac.amazon.nova-pro-v1:0.
	bedrockID = regexp.MustCompile(`^(?:(?:us|eu|apac|ap|jp|au|ca|us-gov|global|regional)\.)?` +
		`(anthropic|amazon|meta|mistral|cohere|deepseek|openai|ai21|qwen|writer|moonshot|minimax|google|nvidia|zai)\.([a-z0-9].*)$`)
	bedrockVersion = regexp.MustCompile(`(?:-v\d+(?::\d+)?|:\d+)$`)
	// The package's own date normalisation: -20241022 → -2024-10-22.
	compactDate = regexp.MustCompile(`-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(-|:|$)`)
	// Suffixes dropped, one at a time, when nothing matched the full string.
	versionSuffixes = []*regexp.Regexp{
		regexp.MustCompile(`-\d{4}-\d{2}-\d{2}$`),
		regexp.MustCompile(`-20\d{6}$`),
		regexp.MustCompile(`-(?:latest|\d{3,4})$`),
		regexp.MustCompile(`:latest$`),
		bedrockVersion,
	}
)

// candidate is one (provider hint, model string) pair to look up.
type candidate struct {
	provider string
	model    string
}

// CanonicalProvider maps a provider name to a price-table id where known;
// otherwise it returns the lower-cased name for the table's own
// provider_match rules to try.
func CanonicalProvider(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if id, ok := providerAliases[n]; ok {
		return id
	}
	return n
}

// expand returns the cleaned model name (what agentstack.llm.model reports)
// and the candidates to look up, most specific first. Fine-tuned OpenAI
// models ("ft:…") are never cut down to their base model: their price
// differs, and an override is the way to price them.
func expand(providerHint, raw string) (clean, provider string, cands []candidate) {
	s := strings.ToLower(strings.TrimSpace(raw))
	provider = CanonicalProvider(providerHint)
	add := func(p, m string) {
		if m == "" {
			return
		}
		for _, c := range cands {
			if c.provider == p && c.model == m {
				return
			}
		}
		cands = append(cands, candidate{provider: p, model: m})
	}
	add(provider, s)

	if strings.HasPrefix(s, "arn:") {
		// arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-…
		s = s[strings.LastIndexByte(s, '/')+1:]
		if provider == "" {
			provider = "aws"
		}
		add(provider, s)
	}
	if i := strings.LastIndex(s, "/models/"); i >= 0 && strings.Contains(s[:i], "publishers/") {
		// projects/p/locations/l/publishers/google/models/gemini-1.5-pro
		s = s[i+len("/models/"):]
		add(provider, s)
	}
	if strings.HasPrefix(s, "models/") {
		s = strings.TrimPrefix(s, "models/")
		add(provider, s)
	}
	for range 3 {
		i := strings.IndexByte(s, '/')
		if i <= 0 {
			break
		}
		p, ok := providerAliases[s[:i]]
		if !ok {
			break
		}
		s = s[i+1:]
		if provider == "" {
			provider = p
		}
		add(p, s)
	}
	if m := bedrockID.FindStringSubmatch(s); m != nil {
		if provider == "" {
			provider = "aws"
		}
		add("aws", s)
		s = bedrockVersion.ReplaceAllString(m[2], "")
		add(bedrockVendors[m[1]], s)
	}
	if strings.Contains(s, "@") && !strings.HasPrefix(s, "ft:") {
		// Vertex AI: claude-3-5-sonnet-v2@20241022, gemini-1.5-pro@002.
		s = strings.ReplaceAll(s, "@", "-")
		add(provider, s)
	}
	clean = s
	if strings.HasPrefix(s, "ft:") {
		return clean, provider, cands
	}
	if d := compactDate.ReplaceAllString(s, "-$1-$2-$3$4"); d != s {
		add(provider, d)
	}
	for range 4 {
		stripped := false
		for _, re := range versionSuffixes {
			if t := re.ReplaceAllString(s, ""); t != s && t != "" {
				s = t
				add(provider, s)
				stripped = true
				break
			}
		}
		if !stripped {
			break
		}
	}
	return clean, provider, cands
}
