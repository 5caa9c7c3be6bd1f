package securityprocessor // import "github.com/agentstack/agentstack/components/processor/securityprocessor"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/detect"
	"github.com/agentstack/agentstack/internal/semconv"
)

// attributeSource says where the value of a span attribute came from, from
// the GenAI, OpenInference and seed-SDK conventions.
func attributeSource(key string, attrs pcommon.Map) detect.Source {
	switch key {
	case semconv.GenAIPrompt, semconv.SeedLLMPrompt:
		return detect.SourceUserInput
	case semconv.GenAICompletion, semconv.SeedLLMResponse:
		return detect.SourceModelOutput
	case semconv.SeedToolOutput, semconv.GenAIToolCallResult:
		return detect.SourceToolOutput
	case semconv.SeedToolInput, semconv.GenAIToolCallArguments, semconv.OIToolParameters:
		// The model writes the arguments of the tools it calls.
		return detect.SourceModelOutput
	case semconv.OIInputValue:
		if spanKind(attrs) == "TOOL" {
			return detect.SourceModelOutput
		}
		return detect.SourceUserInput
	case semconv.OIOutputValue:
		switch spanKind(attrs) {
		case "TOOL":
			return detect.SourceToolOutput
		case "RETRIEVER":
			return detect.SourceRetrieval
		}
		return detect.SourceModelOutput
	}
	switch {
	case strings.HasPrefix(key, semconv.GenAIPromptPrefix):
		return roleSource(flatRole(attrs, key, semconv.GenAIPromptPrefix, ".role"), detect.SourceUserInput)
	case strings.HasPrefix(key, semconv.GenAICompletionPrefix):
		return detect.SourceModelOutput
	case strings.HasPrefix(key, semconv.OIInputMessagesPrefix):
		return roleSource(flatRole(attrs, key, semconv.OIInputMessagesPrefix, ".message.role"), detect.SourceUserInput)
	case strings.HasPrefix(key, semconv.OIOutputMessagesPrefix):
		return detect.SourceModelOutput
	case strings.HasPrefix(key, semconv.OIRetrievalDocumentsPrefix):
		return detect.SourceRetrieval
	}
	return detect.SourceAttribute
}

func spanKind(attrs pcommon.Map) string {
	if v, ok := attrs.Get(semconv.OISpanKind); ok {
		return strings.ToUpper(v.Str())
	}
	return ""
}

// flatRole reads the role beside a flattened message attribute:
// "gen_ai.prompt.3.content" → "gen_ai.prompt.3.role".
func flatRole(attrs pcommon.Map, key, prefix, roleSuffix string) string {
	rest := key[len(prefix):]
	dot := strings.IndexByte(rest, '.')
	if dot <= 0 {
		return ""
	}
	if v, ok := attrs.Get(prefix + rest[:dot] + roleSuffix); ok {
		return v.Str()
	}
	return ""
}

// roleSource maps a chat message role to a source.
func roleSource(role string, def detect.Source) detect.Source {
	switch strings.ToLower(role) {
	case "user", "human":
		return detect.SourceUserInput
	case "assistant", "ai", "model", "bot":
		return detect.SourceModelOutput
	case "tool", "function", "ipython", "tool_result":
		return detect.SourceToolOutput
	case "system", "developer":
		return detect.SourceAttribute
	}
	return def
}

// eventSource maps the legacy GenAI message events to a source.
func eventSource(name string) detect.Source {
	switch name {
	case semconv.GenAIUserMessageEvent:
		return detect.SourceUserInput
	case semconv.GenAIAssistantMessageEvent, semconv.GenAIChoiceEvent:
		return detect.SourceModelOutput
	case semconv.GenAIToolMessageEvent:
		return detect.SourceToolOutput
	case semconv.GenAISystemMessageEvent:
		return detect.SourceAttribute
	}
	return detect.SourceEvent
}

// networkKey reports the infrastructure attributes whose addresses are the
// plumbing of the call, not personal data in it.
func networkKey(key string) bool {
	for _, p := range []string{"net.", "network.", "server.", "client.", "host.", "source.", "destination.", "peer.", "http.client_ip", "k8s.", "container."} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}
