"""Auto-capture for the ``openai`` client: chat.completions.create and responses.create."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..llm import (
    GEN_AI_OUTPUT_MESSAGES,
    GEN_AI_RESPONSE_FINISH_REASONS,
    GEN_AI_RESPONSE_ID,
    GEN_AI_RESPONSE_MODEL,
    GEN_AI_SYSTEM_INSTRUCTIONS,
    GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    GEN_AI_USAGE_INPUT_TOKENS,
    GEN_AI_USAGE_OUTPUT_TOKENS,
    GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
    messages_json,
)
from ..tracer import Span
from ._common import Accumulator, Spec, as_int, finish_reasons, get, response_identity


def _usage_attributes(usage: Any) -> Dict[str, Any]:
    """Chat completions say prompt/completion tokens, the Responses API input/output tokens."""
    attrs: Dict[str, Any] = {}
    if usage is None:
        return attrs
    inp = as_int(get(usage, "prompt_tokens"))
    if inp is None:
        inp = as_int(get(usage, "input_tokens"))
    out = as_int(get(usage, "completion_tokens"))
    if out is None:
        out = as_int(get(usage, "output_tokens"))
    cached = as_int(get(usage, "prompt_tokens_details", "cached_tokens"))
    if cached is None:
        cached = as_int(get(usage, "input_tokens_details", "cached_tokens"))
    reasoning = as_int(get(usage, "completion_tokens_details", "reasoning_tokens"))
    if reasoning is None:
        reasoning = as_int(get(usage, "output_tokens_details", "reasoning_tokens"))
    # OpenAI's input count already includes cached tokens, as OTel wants.
    for key, value in (
        (GEN_AI_USAGE_INPUT_TOKENS, inp),
        (GEN_AI_USAGE_OUTPUT_TOKENS, out),
        (GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cached),
        (GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, reasoning),
    ):
        if value is not None:
            attrs[key] = value
    return attrs


def _message(role: Any, content: Any, finish_reason: Any = None, tool_calls: Any = None) -> Dict[str, Any]:
    msg: Dict[str, Any] = {"role": role or "assistant", "content": content}
    if tool_calls:
        msg["tool_calls"] = tool_calls
    if finish_reason:
        msg["finish_reason"] = finish_reason
    return msg


class ChatCompletionsSpec(Spec):
    provider = "openai"
    operation = "chat"

    def input_messages(self, kwargs: Dict[str, Any]) -> Optional[List[Any]]:
        messages = kwargs.get("messages")
        return list(messages) if messages else None

    def response_attributes(self, response: Any, capture: bool) -> Dict[str, Any]:
        attrs = _usage_attributes(get(response, "usage"))
        attrs.update(response_identity(response))
        choices = get(response, "choices") or []
        reasons = finish_reasons([get(c, "finish_reason") for c in choices])
        if reasons:
            attrs[GEN_AI_RESPONSE_FINISH_REASONS] = reasons
        if capture and choices:
            out = [
                _message(get(c, "message", "role"), get(c, "message", "content"), get(c, "finish_reason"),
                         get(c, "message", "tool_calls"))
                for c in choices
            ]
            attrs[GEN_AI_OUTPUT_MESSAGES] = messages_json(out)
        return attrs

    def accumulator(self, capture: bool) -> Accumulator:
        return _ChatStream(capture)


class _ChatStream(Accumulator):
    def __init__(self, capture: bool) -> None:
        self.capture = capture
        self.model: Optional[str] = None
        self.id: Optional[str] = None
        self.usage: Any = None
        self.text: Dict[int, List[str]] = {}
        self.roles: Dict[int, str] = {}
        self.reasons: Dict[int, str] = {}

    def add(self, item: Any) -> None:
        chunk = item
        self.model = get(chunk, "model") or self.model
        self.id = get(chunk, "id") or self.id
        usage = get(chunk, "usage")
        if usage is not None:
            self.usage = usage  # only the final chunk carries it (stream_options.include_usage)
        for choice in get(chunk, "choices") or []:
            index = as_int(get(choice, "index")) or 0
            role = get(choice, "delta", "role")
            if role:
                self.roles[index] = str(role)
            content = get(choice, "delta", "content")
            if content and self.capture:
                self.text.setdefault(index, []).append(str(content))
            reason = get(choice, "finish_reason")
            if reason:
                self.reasons[index] = str(reason)

    def finish(self, span: Span) -> None:
        attrs = _usage_attributes(self.usage)
        if self.model:
            attrs[GEN_AI_RESPONSE_MODEL] = self.model
        if self.id:
            attrs[GEN_AI_RESPONSE_ID] = self.id
        if self.reasons:
            attrs[GEN_AI_RESPONSE_FINISH_REASONS] = [self.reasons[i] for i in sorted(self.reasons)]
        if self.capture and (self.text or self.roles):
            indexes = sorted(set(self.text) | set(self.roles))
            out = [_message(self.roles.get(i), "".join(self.text.get(i, [])), self.reasons.get(i)) for i in indexes]
            attrs[GEN_AI_OUTPUT_MESSAGES] = messages_json(out)
        span.set_attributes(attrs)


class ResponsesSpec(Spec):
    provider = "openai"
    operation = "chat"

    def input_messages(self, kwargs: Dict[str, Any]) -> Optional[List[Any]]:
        value = kwargs.get("input")
        if value is None:
            return None
        if isinstance(value, str):
            return [{"role": "user", "content": value}]
        return list(value)

    def request_attributes(self, kwargs: Dict[str, Any], capture: bool) -> Dict[str, Any]:
        attrs = super().request_attributes(kwargs, capture)
        instructions = kwargs.get("instructions")
        if capture and isinstance(instructions, str) and instructions:
            attrs[GEN_AI_SYSTEM_INSTRUCTIONS] = instructions
        return attrs

    def response_attributes(self, response: Any, capture: bool) -> Dict[str, Any]:
        attrs = _usage_attributes(get(response, "usage"))
        attrs.update(response_identity(response))
        status = get(response, "status")
        if status:
            attrs[GEN_AI_RESPONSE_FINISH_REASONS] = [str(status)]
        if capture:
            text = get(response, "output_text")
            if text is None:
                text = _output_text(get(response, "output"))
            if text is not None:
                attrs[GEN_AI_OUTPUT_MESSAGES] = messages_json([_message("assistant", text)])
        return attrs

    def accumulator(self, capture: bool) -> Accumulator:
        return _ResponsesStream(self, capture)


def _output_text(output: Any) -> Optional[str]:
    if not output:
        return None
    parts: List[str] = []
    for item in output:
        for content in get(item, "content") or []:
            text = get(content, "text")
            if isinstance(text, str):
                parts.append(text)
    return "".join(parts) if parts else None


class _ResponsesStream(Accumulator):
    _FINAL = ("response.completed", "response.incomplete", "response.failed")

    def __init__(self, spec: ResponsesSpec, capture: bool) -> None:
        self.spec = spec
        self.capture = capture
        self.final: Any = None
        self.model: Optional[str] = None
        self.text: List[str] = []

    def add(self, item: Any) -> None:
        event = item
        kind = get(event, "type")
        response = get(event, "response")
        if response is not None:
            self.model = get(response, "model") or self.model
        if kind in self._FINAL and response is not None:
            self.final = response
        elif kind == "response.output_text.delta" and self.capture:
            delta = get(event, "delta")
            if isinstance(delta, str):
                self.text.append(delta)

    def finish(self, span: Span) -> None:
        if self.final is not None:
            attrs = self.spec.response_attributes(self.final, self.capture)
            if self.capture and GEN_AI_OUTPUT_MESSAGES not in attrs and self.text:
                attrs[GEN_AI_OUTPUT_MESSAGES] = messages_json([_message("assistant", "".join(self.text))])
        else:
            attrs = {}
            if self.model:
                attrs[GEN_AI_RESPONSE_MODEL] = self.model
            if self.capture and self.text:
                attrs[GEN_AI_OUTPUT_MESSAGES] = messages_json([_message("assistant", "".join(self.text))])
        span.set_attributes(attrs)


CHAT = ChatCompletionsSpec()
RESPONSES = ResponsesSpec()

CLIENT_PATHS = [(("chat", "completions"), CHAT), (("responses",), RESPONSES)]

CLASS_TARGETS = [
    ("openai.resources.chat.completions", "Completions", CHAT),
    ("openai.resources.chat.completions", "AsyncCompletions", CHAT),
    ("openai.resources.responses", "Responses", RESPONSES),
    ("openai.resources.responses", "AsyncResponses", RESPONSES),
]
