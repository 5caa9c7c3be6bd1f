"""Stand-ins for the openai and anthropic clients, shaped like their v1 Python SDKs."""

from __future__ import annotations

import sys
import types
from types import SimpleNamespace as NS
from typing import Any, Dict, List, Optional


class FakeStream:
    """Like openai.Stream / anthropic.Stream: iterable, a context manager, closable."""

    def __init__(self, items: List[Any], fail_after: Optional[int] = None) -> None:
        self.items = items
        self.fail_after = fail_after
        self.closed = False
        self.response = NS(status_code=200)

    def __iter__(self):
        for i, item in enumerate(self.items):
            if self.fail_after is not None and i == self.fail_after:
                raise ConnectionError("stream cut")
            yield item

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.closed = True


class FakeAsyncStream(FakeStream):
    def __aiter__(self):
        return self._agen()

    async def _agen(self):
        for item in self.items:
            yield item

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def close(self) -> None:  # type: ignore[override]
        self.closed = True


class FakeCreate:
    """A resource with a sync ``create`` that records its arguments."""

    def __init__(self, response: Any = None, chunks: Optional[List[Any]] = None, error: Optional[BaseException] = None):
        self.response = response
        self.chunks = chunks or []
        self.error = error
        self.calls: List[Dict[str, Any]] = []

    def create(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error
        if kwargs.get("stream"):
            return FakeStream(self.chunks)
        return self.response


class FakeAsyncCreate(FakeCreate):
    async def create(self, **kwargs: Any) -> Any:  # type: ignore[override]
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error
        if kwargs.get("stream"):
            return FakeAsyncStream(self.chunks)
        return self.response


# --- OpenAI shapes -------------------------------------------------------------

def chat_completion(model="gpt-4o-2024-08-06", prompt=1000, completion=100, cached=200, reasoning=0):
    return NS(
        id="chatcmpl-1",
        model=model,
        choices=[NS(index=0, finish_reason="stop", message=NS(role="assistant", content="Paris.", tool_calls=None))],
        usage=NS(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion,
                 prompt_tokens_details=NS(cached_tokens=cached),
                 completion_tokens_details=NS(reasoning_tokens=reasoning)),
    )


def chat_chunks(model="gpt-4o-2024-08-06"):
    def chunk(content=None, role=None, finish=None, usage=None, choices=True):
        return NS(id="chatcmpl-2", model=model, usage=usage,
                  choices=[NS(index=0, finish_reason=finish, delta=NS(role=role, content=content))] if choices else [])

    return [
        chunk(role="assistant", content=""),
        chunk(content="Hel"),
        chunk(content="lo"),
        chunk(finish="stop"),
        # With stream_options={"include_usage": True} the last chunk has usage and no choices.
        chunk(usage=NS(prompt_tokens=50, completion_tokens=5, prompt_tokens_details=NS(cached_tokens=10),
                       completion_tokens_details=NS(reasoning_tokens=0)), choices=False),
    ]


def responses_response(model="gpt-4.1-2025-04-14"):
    return NS(
        id="resp_1", model=model, status="completed", output_text="42",
        usage=NS(input_tokens=300, output_tokens=20, input_tokens_details=NS(cached_tokens=100),
                 output_tokens_details=NS(reasoning_tokens=8)),
    )


def responses_events(model="gpt-4.1-2025-04-14"):
    final = responses_response(model)
    return [
        NS(type="response.created", response=NS(id="resp_1", model=model, status="in_progress", usage=None)),
        NS(type="response.output_text.delta", delta="4"),
        NS(type="response.output_text.delta", delta="2"),
        NS(type="response.completed", response=final),
    ]


def openai_client(async_=False, error=None):
    cls = FakeAsyncCreate if async_ else FakeCreate
    return NS(
        chat=NS(completions=cls(chat_completion(), chat_chunks(), error)),
        responses=cls(responses_response(), responses_events(), error),
    )


# --- Anthropic shapes --------------------------------------------------------------

def anthropic_message(model="claude-sonnet-4-20250514"):
    return NS(
        id="msg_1", type="message", role="assistant", model=model, stop_reason="end_turn",
        content=[NS(type="text", text="Bonjour")],
        usage=NS(input_tokens=100, output_tokens=30, cache_read_input_tokens=400, cache_creation_input_tokens=50),
    )


def anthropic_events(model="claude-sonnet-4-20250514"):
    return [
        NS(type="message_start", message=NS(id="msg_2", model=model, usage=NS(
            input_tokens=100, output_tokens=1, cache_read_input_tokens=400, cache_creation_input_tokens=0))),
        NS(type="content_block_start", index=0, content_block=NS(type="text", text="")),
        NS(type="content_block_delta", index=0, delta=NS(type="text_delta", text="Bon")),
        NS(type="content_block_delta", index=0, delta=NS(type="text_delta", text="jour")),
        NS(type="content_block_stop", index=0),
        NS(type="message_delta", delta=NS(stop_reason="end_turn"), usage=NS(output_tokens=12)),
        NS(type="message_stop"),
    ]


def anthropic_client(async_=False, error=None):
    cls = FakeAsyncCreate if async_ else FakeCreate
    return NS(messages=cls(anthropic_message(), anthropic_events(), error))


# --- fake installed packages (for instrumenting the classes) ------------------------

def install_fake_modules(test_case) -> Dict[str, types.ModuleType]:
    """Puts minimal ``openai`` and ``anthropic`` packages in sys.modules for one test."""

    class Completions:
        def create(self, **kwargs):
            return chat_completion()

    class AsyncCompletions:
        async def create(self, **kwargs):
            return chat_completion()

    class Responses:
        def create(self, **kwargs):
            return responses_response()

    class AsyncResponses:
        async def create(self, **kwargs):
            return responses_response()

    class Messages:
        def create(self, **kwargs):
            if kwargs.get("stream"):
                return FakeStream(anthropic_events())
            return anthropic_message()

    class AsyncMessages:
        async def create(self, **kwargs):
            return anthropic_message()

    layout = {
        "openai": {},
        "openai.resources": {},
        "openai.resources.chat": {"Completions": Completions, "AsyncCompletions": AsyncCompletions},
        "openai.resources.chat.completions": {"Completions": Completions, "AsyncCompletions": AsyncCompletions},
        "openai.resources.responses": {"Responses": Responses, "AsyncResponses": AsyncResponses},
        "anthropic": {},
        "anthropic.resources": {},
        "anthropic.resources.messages": {"Messages": Messages, "AsyncMessages": AsyncMessages},
    }
    modules = {}
    for name, attrs in layout.items():
        mod = types.ModuleType(name)
        mod.__path__ = []  # type: ignore[attr-defined]
        for key, value in attrs.items():
            setattr(mod, key, value)
        modules[name] = mod
    saved = {name: sys.modules.get(name) for name in modules}

    def restore():
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old

    test_case.addCleanup(restore)
    sys.modules.update(modules)
    return modules
