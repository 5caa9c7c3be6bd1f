"""W3C ``traceparent`` / ``tracestate`` propagation, compatible with OpenTelemetry.

``inject(headers)`` writes the current span's identity into outgoing headers;
``extract(headers)`` reads it back on the receiving side as a remote
:class:`SpanContext`, which becomes the parent of a span started with
``Tracer.start_span(name, parent=ctx)`` or of every span started inside
``with use_context(ctx):``.
"""

from __future__ import annotations

import re
from typing import Any, ContextManager, Mapping, MutableMapping, Optional

from ._internal.safety import never_raise
from .context import get_active, parent_of, span_context
from .ids import is_valid_span_id, is_valid_trace_id
from .models import SpanContext

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"

_TRACEPARENT_RE = re.compile(
    r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$"
)


def format_traceparent(ctx: SpanContext) -> str:
    return "00-%s-%s-%02x" % (ctx.trace_id, ctx.span_id, ctx.trace_flags & 0xFF)


def parse_traceparent(value: str, tracestate: str = "") -> Optional[SpanContext]:
    """Parses a ``traceparent`` header value; ``None`` when it is not valid."""
    match = _TRACEPARENT_RE.match(value.strip())
    if not match:
        return None
    version, trace_id, span_id, flags, rest = match.groups()
    if version == "ff":
        return None
    # Version 00 has exactly four fields; later versions may append more.
    if version == "00" and rest:
        return None
    if not is_valid_trace_id(trace_id) or not is_valid_span_id(span_id):
        return None
    return SpanContext(trace_id, span_id, int(flags, 16), tracestate.strip(), True)


@never_raise(default=None)
def inject(headers: MutableMapping[str, str], span: Any = None) -> None:
    """Adds ``traceparent`` (and ``tracestate``) for ``span`` or the current span to ``headers``.

    Does nothing when there is no current span.
    """
    ctx = parent_of(span if span is not None else get_active())
    if ctx is None or not is_valid_trace_id(ctx.trace_id) or not is_valid_span_id(ctx.span_id):
        return None
    headers[TRACEPARENT] = format_traceparent(ctx)
    if ctx.trace_state:
        headers[TRACESTATE] = ctx.trace_state
    return None


def _header(headers: Any, name: str) -> Optional[str]:
    """Case-insensitive look-up in a dict, a list of pairs or a WSGI environ."""
    if headers is None:
        return None
    items: Any
    if isinstance(headers, Mapping) or hasattr(headers, "items"):
        getter = getattr(headers, "get", None)
        if getter is not None:
            for key in (name, name.title(), name.upper(), "HTTP_" + name.upper()):
                value = getter(key)
                if value is not None:
                    break
            else:
                value = None
            if value is not None:
                return _first(value)
        items = headers.items()
    else:
        items = headers
    for key, value in items:
        if isinstance(key, bytes):
            key = key.decode("latin-1")
        if str(key).lower() == name:
            return _first(value)
    return None


def _first(value: Any) -> Optional[str]:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (list, tuple)):
        return _first(value[0]) if value else None
    return str(value)


@never_raise(default=None)
def extract(headers: Any) -> Optional[SpanContext]:
    """Reads a remote parent from incoming headers; ``None`` if absent or malformed."""
    value = _header(headers, TRACEPARENT)
    if not value:
        return None
    return parse_traceparent(value, _header(headers, TRACESTATE) or "")


def use_context(ctx: Optional[SpanContext]) -> ContextManager[None]:
    """``with use_context(extract(headers)):`` continues the remote trace inside the block."""
    return span_context(ctx)
