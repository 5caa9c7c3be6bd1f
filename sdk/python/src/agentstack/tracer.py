"""Spans and the tracer that starts them."""

from __future__ import annotations

import json
import os
import threading
import time
import traceback
from types import TracebackType
from typing import Any, Dict, List, Mapping, Optional, Type, Union

from . import context as _ctx
from ._internal.safety import never_raise, report
from .config import get_config
from .exporter import get_processor
from .ids import new_span_id, new_trace_id
from .models import Attributes, SpanContext, SpanDict, SpanKind, SpanStatus, make_span_dict

_SCALARS = (str, bool, int, float)

ParentLike = Union["Span", SpanContext, None]

# Makes end() idempotent when two threads race to end one span; one lock for
# all spans, held for two assignments, is cheaper than a lock per span.
_end_lock = threading.Lock()


def _reinit_lock_in_child() -> None:
    # Another thread may have held the lock at fork time; the child's copy
    # would then stay locked forever.
    global _end_lock
    _end_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reinit_lock_in_child)


_INF = float("inf")


def _finite(value: Any) -> Any:
    # NaN and infinities are not valid JSON: send them as strings.
    if isinstance(value, float) and (value != value or value in (_INF, -_INF)):
        return str(value)
    return value


def coerce_attribute(value: Any) -> Any:
    """Maps a Python value to an attribute value the collector accepts, or ``None`` to skip it.

    Scalars pass through, sequences of scalars become lists, anything else is
    stored as its JSON (or ``str``) form so no information is silently lost.
    """
    if isinstance(value, _SCALARS):
        return _finite(value)
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, _SCALARS) for v in value):
            return [_finite(v) for v in value]
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def qualified_type_name(exc: BaseException) -> str:
    cls = type(exc)
    module = getattr(cls, "__module__", "")
    if module in ("builtins", "__main__", None, ""):
        return cls.__qualname__
    return "%s.%s" % (module, cls.__qualname__)


class Span:
    """One timed operation. Start it with :class:`Tracer`; finish it with :meth:`end`.

    A span is also a context manager: inside ``with span:`` it is the current
    span (the parent of spans started there), and leaving the block ends it,
    recording the exception if one escapes.
    """

    __slots__ = (
        "name",
        "trace_id",
        "span_id",
        "parent_span_id",
        "kind",
        "start_time",
        "end_time",
        "attributes",
        "events",
        "status",
        "status_message",
        "trace_flags",
        "trace_state",
        "_tokens",
        "__weakref__",
    )

    def __init__(
        self,
        name: str,
        trace_id: str,
        span_id: str,
        parent_span_id: Optional[str] = None,
        kind: Optional[str] = None,
        attributes: Optional[Mapping[str, Any]] = None,
        start_time: Optional[int] = None,
        trace_flags: int = 1,
        trace_state: str = "",
    ) -> None:
        self.name = name
        self.trace_id = trace_id
        self.span_id = span_id
        self.parent_span_id = parent_span_id
        self.kind = kind
        self.start_time = start_time if start_time is not None else time.time_ns()
        self.end_time: Optional[int] = None
        self.attributes: Attributes = {}
        self.events: List[Dict[str, Any]] = []
        self.status = "OK"
        self.status_message: Optional[str] = None
        self.trace_flags = trace_flags
        self.trace_state = trace_state
        self._tokens: Optional[List[Any]] = None
        if attributes:
            self.set_attributes(attributes)

    # -- identity -----------------------------------------------------------
    def get_span_context(self) -> SpanContext:
        return SpanContext(self.trace_id, self.span_id, self.trace_flags, self.trace_state, False)

    @property
    def context(self) -> SpanContext:
        return self.get_span_context()

    def is_recording(self) -> bool:
        return self.end_time is None

    @property
    def ended(self) -> bool:
        return self.end_time is not None

    # -- data ---------------------------------------------------------------
    # set_attribute(s) are on the hot path: guarded inline rather than through
    # the never_raise decorator, which costs a call per use.
    def set_attribute(self, key: str, value: Any) -> "Span":
        try:
            if self.end_time is None:
                t = type(value)
                if t is str or t is int or t is bool:
                    self.attributes[key if type(key) is str else str(key)] = value
                else:
                    coerced = coerce_attribute(value)
                    if coerced is not None:
                        self.attributes[str(key)] = coerced
        except Exception as exc:
            report("Span.set_attribute", exc)
        return self

    def set_attributes(self, attributes: Mapping[str, Any]) -> "Span":
        try:
            if self.end_time is None:
                for key, value in attributes.items():
                    self.set_attribute(key, value)
        except Exception as exc:
            report("Span.set_attributes", exc)
        return self

    @never_raise(where="Span.add_event")
    def add_event(
        self, name: str, attributes: Optional[Mapping[str, Any]] = None, timestamp: Optional[int] = None
    ) -> "Span":
        if self.end_time is None:
            attrs: Dict[str, Any] = {}
            if attributes:
                for key, value in attributes.items():
                    coerced = coerce_attribute(value)
                    if coerced is not None:
                        attrs[str(key)] = coerced
            self.events.append(
                {"name": str(name), "timestamp": timestamp if timestamp is not None else time.time_ns(),
                 "attributes": attrs}
            )
        return self

    @never_raise(where="Span.set_status")
    def set_status(self, status: Union[SpanStatus, str], message: Optional[str] = None) -> "Span":
        if self.end_time is None:
            value = status.value if isinstance(status, SpanStatus) else str(status).upper()
            if value not in ("OK", "ERROR"):
                value = "ERROR" if value in ("FAILED", "FAIL") else "OK"
            self.status = value
            if message is not None:
                self.status_message = str(message)
        return self

    @never_raise(where="Span.record_exception")
    def record_exception(
        self, exc: BaseException, attributes: Optional[Mapping[str, Any]] = None, set_error: bool = True
    ) -> "Span":
        """Adds the OTel ``exception`` event (type, message, stacktrace) and marks the span ERROR."""
        if self.end_time is not None:
            return self
        stack = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        attrs: Dict[str, Any] = {
            "exception.type": qualified_type_name(exc),
            "exception.message": str(exc),
            "exception.stacktrace": stack,
        }
        if attributes:
            attrs.update(attributes)
        self.add_event("exception", attrs)
        if set_error:
            self.status = SpanStatus.ERROR.value
            self.status_message = "%s: %s" % (type(exc).__name__, exc) if str(exc) else type(exc).__name__
        return self

    def update_name(self, name: str) -> "Span":
        if self.end_time is None:
            self.name = str(name)
        return self

    # -- lifecycle ------------------------------------------------------------
    def end(self, end_time: Optional[int] = None) -> None:
        """Finishes the span and queues it for export. A second call does nothing."""
        try:
            with _end_lock:
                if self.end_time is not None:
                    return
                self.end_time = end_time if end_time is not None else time.time_ns()
            get_processor().on_end(self)
        except Exception as exc:
            report("Span.end", exc)

    def __enter__(self) -> "Span":
        try:
            if self._tokens is None:
                self._tokens = []
            self._tokens.append(_ctx.activate(self))
        except Exception as exc:  # pragma: no cover - defensive
            report("Span.__enter__", exc)
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        try:
            if exc is not None and not isinstance(exc, GeneratorExit):
                self.record_exception(exc)
            self.end()
        finally:
            try:
                if self._tokens:
                    _ctx.deactivate(self._tokens.pop())
            except Exception as err:  # pragma: no cover - defensive
                report("Span.__exit__", err)
        # Returning None lets the user's exception propagate unchanged.

    # -- export -----------------------------------------------------------------
    def to_dict(self, service_name: str = "default") -> SpanDict:
        """The collector's native JSON form of this span (before scrubbing)."""
        return make_span_dict(
            trace_id=self.trace_id,
            span_id=self.span_id,
            parent_span_id=self.parent_span_id,
            name=self.name,
            start_time=self.start_time,
            end_time=self.end_time if self.end_time is not None else time.time_ns(),
            status=self.status,
            service_name=service_name,
            attributes=dict(self.attributes),
            events=[dict(e) for e in self.events],
            kind=self.kind,
            status_message=self.status_message,
        )

    def __repr__(self) -> str:
        return "Span(name=%r, trace_id=%s, span_id=%s, parent_span_id=%s)" % (
            self.name, self.trace_id, self.span_id, self.parent_span_id)


class NonRecordingSpan(Span):
    """A span that records nothing: what the SDK hands out when it is disabled or broken.

    Every method is accepted and ignored, so instrumented code never needs to
    check whether tracing is on.
    """

    __slots__ = ()

    def __init__(self, ctx: Optional[SpanContext] = None) -> None:
        ctx = ctx or SpanContext("0" * 32, "0" * 16, 0)
        super().__init__("", ctx.trace_id, ctx.span_id, trace_flags=ctx.trace_flags,
                         trace_state=ctx.trace_state, start_time=0)
        self.end_time = 0

    def is_recording(self) -> bool:
        return False

    def end(self, end_time: Optional[int] = None) -> None:
        return None

    def __enter__(self) -> "Span":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        return None


INVALID_SPAN = NonRecordingSpan()


def _kind_value(kind: Any) -> Optional[str]:
    if kind is None:
        return None
    if isinstance(kind, SpanKind):
        return kind.value
    value = str(kind).lower()
    return value if value in ("internal", "client", "server", "producer", "consumer") else None


def _start(
    name: str,
    attributes: Optional[Mapping[str, Any]],
    kind: Any,
    parent: Any,
    root: bool,
    start_time: Optional[int],
) -> Span:
    if not get_config().enabled:
        return INVALID_SPAN
    parent_ctx: Optional[SpanContext] = None
    if not root:
        active = parent if parent is not None else _ctx.get_active()
        if active is not None:
            parent_ctx = _ctx.parent_of(active)
            if parent_ctx is not None and parent_ctx.span_id == "0" * 16:
                parent_ctx = None
    if parent_ctx is None:
        return Span(str(name), new_trace_id(), new_span_id(), None, _kind_value(kind), attributes, start_time)
    return Span(
        str(name), parent_ctx.trace_id, new_span_id(), parent_ctx.span_id, _kind_value(kind), attributes,
        start_time, parent_ctx.trace_flags, parent_ctx.trace_state,
    )


class Tracer:
    """Starts spans. Spans started with no explicit parent are children of the current span."""

    def __init__(self, name: str = "agentstack") -> None:
        self.name = name

    @never_raise(default=INVALID_SPAN, where="Tracer.start_span")
    def start_span(
        self,
        name: str,
        attributes: Optional[Mapping[str, Any]] = None,
        kind: Union[SpanKind, str, None] = None,
        parent: ParentLike = None,
        start_time: Optional[int] = None,
    ) -> Span:
        """Starts a span; ``parent`` may be a Span or a remote SpanContext from :func:`extract`.

        Use it as ``with tracer.start_span("name") as span:`` to make it current
        for the block and end it on exit, or call ``span.end()`` yourself.
        """
        return _start(name, attributes, kind, parent, False, start_time)

    @never_raise(default=INVALID_SPAN, where="Tracer.start_trace")
    def start_trace(
        self,
        name: str,
        attributes: Optional[Mapping[str, Any]] = None,
        kind: Union[SpanKind, str, None] = None,
        start_time: Optional[int] = None,
    ) -> Span:
        """Starts the root span of a new trace, ignoring the current span."""
        return _start(name, attributes, kind, None, True, start_time)

    # OpenTelemetry spelling, for code written against its API.
    start_as_current_span = start_span


_default_tracer = Tracer()


def get_tracer(name: str = "agentstack") -> Tracer:
    return _default_tracer if name == "agentstack" else Tracer(name)


def get_current_span() -> Span:
    """The current span; a non-recording span (never ``None``) when there is none."""
    try:
        active = _ctx.get_active()
        if isinstance(active, Span):
            return active
        if isinstance(active, SpanContext):
            return NonRecordingSpan(active)
    except Exception as exc:  # pragma: no cover - defensive
        report("get_current_span", exc)
    return INVALID_SPAN
