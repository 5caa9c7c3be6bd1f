"""LLM helpers: write the OpenTelemetry GenAI attributes the collector prices.

``record_llm_usage(model="gpt-4o", provider="openai", input_tokens=..., output_tokens=...)``
on the current span is all the cost processor needs; nobody has to remember
attribute names.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from ._internal.safety import never_raise
from .tracer import Span, get_current_span

# OpenTelemetry GenAI semantic conventions (current names).
GEN_AI_OPERATION_NAME = "gen_ai.operation.name"
GEN_AI_PROVIDER_NAME = "gen_ai.provider.name"
GEN_AI_REQUEST_MODEL = "gen_ai.request.model"
GEN_AI_RESPONSE_MODEL = "gen_ai.response.model"
GEN_AI_RESPONSE_ID = "gen_ai.response.id"
GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons"
GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature"
GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens"
GEN_AI_REQUEST_TOP_P = "gen_ai.request.top_p"
GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens"
GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens"
GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens"
GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = "gen_ai.usage.cache_creation.input_tokens"
GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.usage.reasoning.output_tokens"
GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages"
GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages"
GEN_AI_SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions"


def _as_int(value: Any) -> Optional[int]:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def messages_json(messages: Any) -> str:
    """Messages as the JSON string GenAI attributes carry (objects are converted best-effort)."""
    if isinstance(messages, str):
        return messages
    return json.dumps(messages, default=_to_jsonable, ensure_ascii=False)


def _to_jsonable(obj: Any) -> Any:
    for method in ("model_dump", "to_dict", "dict"):
        fn = getattr(obj, method, None)
        if callable(fn):
            try:
                return fn()
            except Exception:
                continue
    if hasattr(obj, "__dict__"):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    return str(obj)


@never_raise(default=None)
def record_llm_usage(
    model: Optional[str] = None,
    provider: Optional[str] = None,
    input_tokens: Optional[int] = None,
    output_tokens: Optional[int] = None,
    cached_input_tokens: Optional[int] = None,
    cache_creation_tokens: Optional[int] = None,
    reasoning_tokens: Optional[int] = None,
    input_messages: Any = None,
    output_messages: Any = None,
    response_model: Optional[str] = None,
    span: Optional[Span] = None,
    operation: Optional[str] = None,
) -> None:
    """Writes model, provider, token usage and (optionally) messages on ``span`` or the current span.

    ``input_tokens`` is the total input, cached tokens included (the OTel
    convention); ``cached_input_tokens`` and ``cache_creation_tokens`` say how
    many of them were read from / written to the provider's prompt cache.
    ``response_model`` defaults to ``model``. Messages are stored as JSON
    strings (they pass through the PII sanitizer like every attribute).
    """
    target = span if span is not None else get_current_span()
    if not target.is_recording():
        return None
    attrs: Dict[str, Any] = {}
    if operation:
        attrs[GEN_AI_OPERATION_NAME] = str(operation)
    if model:
        attrs[GEN_AI_REQUEST_MODEL] = str(model)
    if response_model or model:
        attrs[GEN_AI_RESPONSE_MODEL] = str(response_model or model)
    if provider:
        attrs[GEN_AI_PROVIDER_NAME] = str(provider)
    for key, value in (
        (GEN_AI_USAGE_INPUT_TOKENS, input_tokens),
        (GEN_AI_USAGE_OUTPUT_TOKENS, output_tokens),
        (GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cached_input_tokens),
        (GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, cache_creation_tokens),
        (GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, reasoning_tokens),
    ):
        number = _as_int(value)
        if number is not None:
            attrs[key] = number
    if input_messages is not None:
        attrs[GEN_AI_INPUT_MESSAGES] = messages_json(input_messages)
    if output_messages is not None:
        attrs[GEN_AI_OUTPUT_MESSAGES] = messages_json(output_messages)
    target.set_attributes(attrs)
    return None
