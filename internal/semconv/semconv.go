// Package semconv lists every span, resource and event attribute name that
// AgentStack reads or writes, so that a rename happens in one place and the
// docs (docs/attributes.md) can be checked against one file.
package semconv

// Attributes AgentStack writes. Everything we add is namespaced agentstack.*.
const (
	// ProjectID is stamped on the resource of every span from its API key,
	// overwriting whatever the client sent.
	ProjectID = "agentstack.project.id"

	// Security processor output.
	SecurityAlertEvent  = "agentstack.security.alert"
	SecurityMaxSeverity = "agentstack.security.max_severity"
	SecurityAlertCount  = "agentstack.security.alert_count"
	AlertRule           = "agentstack.alert.rule"
	AlertType           = "agentstack.alert.type"
	AlertSeverity       = "agentstack.alert.severity"
	AlertScore          = "agentstack.alert.score"
	AlertDescription    = "agentstack.alert.description"
	AlertAttributeKey   = "agentstack.alert.attribute_key"
	AlertSource         = "agentstack.alert.source"
	AlertPreview        = "agentstack.alert.preview"
	AlertAction         = "agentstack.alert.action"

	// Cost processor output.
	LLMModel              = "agentstack.llm.model"
	LLMProvider           = "agentstack.llm.provider"
	UsageInputTokens      = "agentstack.usage.input_tokens"
	UsageOutputTokens     = "agentstack.usage.output_tokens"
	UsageCacheReadTokens  = "agentstack.usage.cache_read_tokens"
	UsageCacheWriteTokens = "agentstack.usage.cache_write_tokens"
	UsageReasoningTokens  = "agentstack.usage.reasoning_tokens"
	UsageTotalTokens      = "agentstack.usage.total_tokens"
	CostInputUSD          = "agentstack.cost.input_usd"
	CostOutputUSD         = "agentstack.cost.output_usd"
	CostTotalUSD          = "agentstack.cost.total_usd"
	CostUnpriced          = "agentstack.cost.unpriced"
	CostPriceSource       = "agentstack.cost.price_source"
)

// OpenTelemetry resource and general attributes.
const (
	ServiceName = "service.name"
	SessionID   = "session.id"
)

// OpenTelemetry GenAI semantic conventions, current names.
const (
	GenAIProviderName           = "gen_ai.provider.name"
	GenAIRequestModel           = "gen_ai.request.model"
	GenAIResponseModel          = "gen_ai.response.model"
	GenAIOperationName          = "gen_ai.operation.name"
	GenAIConversationID         = "gen_ai.conversation.id"
	GenAIUsageInputTokens       = "gen_ai.usage.input_tokens"
	GenAIUsageOutputTokens      = "gen_ai.usage.output_tokens"
	GenAIUsageCacheReadTokens   = "gen_ai.usage.cache_read.input_tokens"
	GenAIUsageCacheCreateTokens = "gen_ai.usage.cache_creation.input_tokens"
	GenAIUsageReasoningTokens   = "gen_ai.usage.reasoning.output_tokens"
	GenAIUsageCost              = "gen_ai.usage.cost"
	GenAIInputMessages          = "gen_ai.input.messages"
	GenAIOutputMessages         = "gen_ai.output.messages"
	GenAISystemInstructions     = "gen_ai.system_instructions"
	GenAIToolCallArguments      = "gen_ai.tool.call.arguments"
	GenAIToolCallResult         = "gen_ai.tool.call.result"
	GenAIToolName               = "gen_ai.tool.name"
)

// OpenTelemetry GenAI semantic conventions, legacy names still emitted by
// many instrumentations.
const (
	GenAISystem                      = "gen_ai.system"
	GenAIUsagePromptTokens           = "gen_ai.usage.prompt_tokens"
	GenAIUsageCompletionTokens       = "gen_ai.usage.completion_tokens"
	GenAIUsageCacheReadInputTokens   = "gen_ai.usage.cache_read_input_tokens"
	GenAIUsageCacheCreateInputTokens = "gen_ai.usage.cache_creation_input_tokens"
	LLMUsageTotalTokens              = "llm.usage.total_tokens"
	GenAIPrompt                      = "gen_ai.prompt"
	GenAICompletion                  = "gen_ai.completion"
	// GenAIPromptPrefix and GenAICompletionPrefix are followed by
	// "N.content" / "N.role" in the flattened legacy form.
	GenAIPromptPrefix     = "gen_ai.prompt."
	GenAICompletionPrefix = "gen_ai.completion."
)

// OpenInference conventions (Arize Phoenix and friends).
const (
	OIModelName                = "llm.model_name"
	OIProvider                 = "llm.provider"
	OISystem                   = "llm.system"
	OITokenPrompt              = "llm.token_count.prompt"
	OITokenCompletion          = "llm.token_count.completion"
	OITokenTotal               = "llm.token_count.total"
	OITokenCacheRead           = "llm.token_count.prompt_details.cache_read"
	OITokenCacheWrite          = "llm.token_count.prompt_details.cache_write"
	OITokenReasoning           = "llm.token_count.completion_details.reasoning"
	OIInputMessagesPrefix      = "llm.input_messages."
	OIOutputMessagesPrefix     = "llm.output_messages."
	OIInputValue               = "input.value"
	OIOutputValue              = "output.value"
	OISpanKind                 = "openinference.span.kind"
	OIToolName                 = "tool.name"
	OIToolParameters           = "tool.parameters"
	OIRetrievalDocumentsPrefix = "retrieval.documents."
)

// Attributes of the original AgentStack SDK.
const (
	SeedLLMModel    = "llm.model"
	SeedTokensIn    = "llm.tokens.in"
	SeedTokensOut   = "llm.tokens.out"
	SeedToolName    = "tool.name"
	SeedToolInput   = "tool.input"
	SeedToolOutput  = "tool.output"
	SeedLLMPrompt   = "llm.prompt"
	SeedLLMResponse = "llm.response"
)

// Legacy GenAI message events: one span event per message, its text in the
// event's attributes.
const (
	GenAIUserMessageEvent      = "gen_ai.user.message"
	GenAIAssistantMessageEvent = "gen_ai.assistant.message"
	GenAIToolMessageEvent      = "gen_ai.tool.message"
	GenAIChoiceEvent           = "gen_ai.choice"
	GenAISystemMessageEvent    = "gen_ai.system.message"
	GenAIInferenceDetailsEvent = "gen_ai.client.inference.operation.details"
)

// Log records: the event name when a producer puts it in an attribute, and
// where the security processor records its findings on a log record (a
// slice of maps keyed by the agentstack.alert.* names), since a log record
// has no events of its own.
const (
	EventName           = "event.name"
	SecurityAlertsOnLog = "agentstack.security.alerts"
)
