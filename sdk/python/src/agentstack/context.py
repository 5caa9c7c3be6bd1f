"""Async-safe propagation of the current span with :mod:`contextvars`.

One context variable holds the active span (or a remote :class:`SpanContext`
extracted from incoming headers). Setting it returns a token and resetting the
token restores the previous value, so nesting works like a stack, and each
asyncio task and each thread sees its own value: concurrent tasks never see
each other's spans.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import TYPE_CHECKING, Iterator, Optional, Union

from .models import SpanContext

if TYPE_CHECKING:  # pragma: no cover
    from .tracer import Span

Active = Union["Span", SpanContext]

_current: "contextvars.ContextVar[Optional[Active]]" = contextvars.ContextVar(
    "agentstack_current_span", default=None
)


def get_active() -> "Optional[Active]":
    """The active span or remote parent context, if any."""
    return _current.get()


def activate(item: "Optional[Active]") -> "contextvars.Token[Optional[Active]]":
    return _current.set(item)


def deactivate(token: "contextvars.Token[Optional[Active]]") -> None:
    try:
        _current.reset(token)
    except ValueError:
        # The token belongs to another Context (a span entered in one task
        # and exited in another): restore the value the span replaced.
        old = token.old_value
        _current.set(None if old is contextvars.Token.MISSING else old)


@contextlib.contextmanager
def span_context(item: "Optional[Active]") -> Iterator[None]:
    """Makes ``item`` (a Span or a SpanContext) the parent of spans started inside the block."""
    token = activate(item)
    try:
        yield
    finally:
        deactivate(token)


def parent_of(item: "Optional[Active]") -> Optional[SpanContext]:
    if item is None:
        return None
    if isinstance(item, SpanContext):
        return item
    return item.get_span_context()
