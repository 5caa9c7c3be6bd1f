"""Auto-capture for the ``anthropic`` client: messages.create (plain and streamed)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..llm import (
    GEN_AI_OUTPUT_MESSAGES,
    GEN_AI_RESPONSE_FINISH_REASONS,
    GEN_AI_RESPONSE_ID,
    GEN_AI_RESPONSE_MODEL,
    GEN_AI_SYSTEM_INSTRUCTIONS,
    GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    GEN_AI_USAGE_INPUT_TOKENS,
    GEN_AI_USAGE_OUTPUT_TOKENS,
    messages_json,
)
from ..tracer import Span
from ._common import Accumulator, Spec, as_int, get, response_identity


def _usage_attributes(usage: Any) -> Dict[str, Any]:
    attrs: Dict[str, Any] = {}
    if usage is None:
        return attrs
    uncached = as_int(get(usage, "input_tokens"))
    cache_read = as_int(get(usage, "cache_read_input_tokens"))
    cache_write = as_int(get(usage, "cache_creation_input_tokens"))
    output = as_int(get(usage, "output_tokens"))
    # Anthropic's input_tokens excludes cache reads and writes; the OTel
    # attribute is the whole input, so add them back.
    if uncached is not None or cache_read is not None or cache_write is not None:
        attrs[GEN_AI_USAGE_INPUT_TOKENS] = (uncached or 0) + (cache_read or 0) + (cache_write or 0)
    if output is not None:
        attrs[GEN_AI_USAGE_OUTPUT_TOKENS] = output
    if cache_read is not None:
        attrs[GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = cache_read
    if cache_write is not None:
        attrs[GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = cache_write
    return attrs


def _text_of(content: Any) -> Any:
    if isinstance(content, str):
        return content
    blocks = []
    for block in content or []:
        kind = get(block, "type")
        if kind == "text":
            blocks.append({"type": "text", "text": get(block, "text")})
        elif kind == "tool_use":
            blocks.append({"type": "tool_use", "name": get(block, "name"), "input": get(block, "input")})
        elif kind is not None:
            blocks.append({"type": kind})
    return blocks


class MessagesSpec(Spec):
    provider = "anthropic"
    operation = "chat"

    def input_messages(self, kwargs: Dict[str, Any]) -> Optional[List[Any]]:
        messages = kwargs.get("messages")
        return list(messages) if messages else None

    def request_attributes(self, kwargs: Dict[str, Any], capture: bool) -> Dict[str, Any]:
        attrs = super().request_attributes(kwargs, capture)
        system = kwargs.get("system")
        if capture and system:
            attrs[GEN_AI_SYSTEM_INSTRUCTIONS] = system if isinstance(system, str) else messages_json(system)
        return attrs

    def response_attributes(self, response: Any, capture: bool) -> Dict[str, Any]:
        attrs = _usage_attributes(get(response, "usage"))
        attrs.update(response_identity(response))
        reason = get(response, "stop_reason")
        if reason:
            attrs[GEN_AI_RESPONSE_FINISH_REASONS] = [str(reason)]
        if capture:
            content = get(response, "content")
            if content is not None:
                msg = {"role": get(response, "role") or "assistant", "content": _text_of(content)}
                attrs[GEN_AI_OUTPUT_MESSAGES] = messages_json([msg])
        return attrs

    def accumulator(self, capture: bool) -> Accumulator:
        return _MessagesStream(capture)


class _MessagesStream(Accumulator):
    """Reads message_start (model, input usage), deltas, and message_delta (final usage)."""

    def __init__(self, capture: bool) -> None:
        self.capture = capture
        self.model: Optional[str] = None
        self.id: Optional[str] = None
        self.usage: Dict[str, Any] = {}
        self.reason: Optional[str] = None
        self.text: List[str] = []

    def _merge_usage(self, usage: Any) -> None:
        for key in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
            value = as_int(get(usage, key))
            if value is not None:
                self.usage[key] = value  # message_delta counts are cumulative: the last one wins

    def add(self, item: Any) -> None:
        event = item
        kind = get(event, "type")
        if kind == "message_start":
            message = get(event, "message")
            self.model = get(message, "model") or self.model
            self.id = get(message, "id") or self.id
            self._merge_usage(get(message, "usage"))
        elif kind == "message_delta":
            self._merge_usage(get(event, "usage"))
            self.reason = get(event, "delta", "stop_reason") or self.reason
        elif kind == "content_block_delta" and self.capture:
            text = get(event, "delta", "text")
            if isinstance(text, str):
                self.text.append(text)

    def finish(self, span: Span) -> None:
        attrs = _usage_attributes(self.usage) if self.usage else {}
        if self.model:
            attrs[GEN_AI_RESPONSE_MODEL] = self.model
        if self.id:
            attrs[GEN_AI_RESPONSE_ID] = self.id
        if self.reason:
            attrs[GEN_AI_RESPONSE_FINISH_REASONS] = [self.reason]
        if self.capture and self.text:
            attrs[GEN_AI_OUTPUT_MESSAGES] = messages_json(
                [{"role": "assistant", "content": [{"type": "text", "text": "".join(self.text)}]}])
        span.set_attributes(attrs)


MESSAGES = MessagesSpec()

CLIENT_PATHS = [(("messages",), MESSAGES)]

CLASS_TARGETS = [
    ("anthropic.resources.messages", "Messages", MESSAGES),
    ("anthropic.resources.messages", "AsyncMessages", MESSAGES),
]
