"""``@observe``: one span around every call of a function.

Works on plain and ``async`` functions, generators and async generators (the
span covers the whole iteration, and the span is current while the generator
body runs), methods, classmethods and staticmethods. The user's exceptions
propagate unchanged; the SDK's own never do.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, AsyncGenerator, Callable, Dict, Generator, Mapping, Optional, Tuple, TypeVar, Union, overload

from . import context as _ctx
from ._internal.safety import report
from .config import get_config
from .models import SpanKind
from .tracer import Span, _start

F = TypeVar("F", bound=Callable[..., Any])

_NO_SPAN: Tuple[None, None] = (None, None)


def _enter(name: str, attributes: Optional[Mapping[str, Any]], kind: Any) -> Tuple[Optional[Span], Any]:
    try:
        if not get_config().enabled:
            return _NO_SPAN
        span = _start(name, attributes, kind, None, False, None)
        return span, _ctx.activate(span)
    except Exception as exc:
        report("observe (start)", exc)
        return _NO_SPAN


def _exit(span: Optional[Span], token: Any, exc: Optional[BaseException]) -> None:
    if span is None:
        return
    try:
        if exc is not None and not isinstance(exc, GeneratorExit):
            span.record_exception(exc)
        span.end()
    except Exception as err:
        report("observe (end)", err)
    finally:
        if token is not None:
            _ctx.deactivate(token)


def _activate(span: Span) -> Any:
    try:
        return _ctx.activate(span)
    except Exception as exc:  # pragma: no cover - defensive
        report("observe (activate)", exc)
        return None


def _deactivate(token: Any) -> None:
    if token is not None:
        _ctx.deactivate(token)


def _wrap(fn: Callable[..., Any], name: str, attributes: Optional[Dict[str, Any]], kind: Any) -> Callable[..., Any]:
    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def agen_wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
            span, token = _enter(name, attributes, kind)
            try:
                agen = fn(*args, **kwargs)
            except BaseException as exc:
                _exit(span, token, exc)
                raise
            _deactivate(token)
            # With no span (SDK off) the same loop runs, activating nothing,
            # so asend/athrow/aclose behave exactly as on the bare generator.
            to_send: Any = None
            to_throw: Optional[BaseException] = None
            while True:
                tok = _activate(span) if span is not None else None
                try:
                    if to_throw is not None:
                        err, to_throw = to_throw, None
                        item = await agen.athrow(err)
                    else:
                        item = await agen.asend(to_send)
                except StopAsyncIteration:
                    _deactivate(tok)
                    _exit(span, None, None)
                    return
                except BaseException as exc:
                    _deactivate(tok)
                    _exit(span, None, exc)
                    raise
                _deactivate(tok)
                try:
                    to_send = yield item
                except GeneratorExit:
                    try:
                        await agen.aclose()
                    finally:
                        _exit(span, None, None)
                    raise
                except BaseException as exc:
                    to_throw = exc

        return agen_wrapper

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            span, token = _enter(name, attributes, kind)
            try:
                gen = fn(*args, **kwargs)
            except BaseException as exc:
                _exit(span, token, exc)
                raise
            _deactivate(token)
            if span is None:
                return (yield from gen)
            to_send: Any = None
            to_throw: Optional[BaseException] = None
            while True:
                tok = _activate(span)
                try:
                    if to_throw is not None:
                        err, to_throw = to_throw, None
                        item = gen.throw(err)
                    else:
                        item = gen.send(to_send)
                except StopIteration as stop:
                    _deactivate(tok)
                    _exit(span, None, None)
                    return stop.value
                except BaseException as exc:
                    _deactivate(tok)
                    _exit(span, None, exc)
                    raise
                _deactivate(tok)
                try:
                    to_send = yield item
                except GeneratorExit:
                    try:
                        gen.close()
                    finally:
                        _exit(span, None, None)
                    raise
                except BaseException as exc:
                    to_throw = exc

        return gen_wrapper

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            span, token = _enter(name, attributes, kind)
            try:
                result = await fn(*args, **kwargs)
            except BaseException as exc:
                _exit(span, token, exc)
                raise
            _exit(span, token, None)
            return result

        return async_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        span, token = _enter(name, attributes, kind)
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            _exit(span, token, exc)
            raise
        _exit(span, token, None)
        return result

    return wrapper


@overload
def observe(fn: F) -> F: ...


@overload
def observe(
    fn: Optional[str] = None,
    *,
    name: Optional[str] = None,
    attributes: Optional[Mapping[str, Any]] = None,
    kind: Union[SpanKind, str, None] = None,
) -> Callable[[F], F]: ...


def observe(
    fn: Any = None,
    *,
    name: Optional[str] = None,
    attributes: Optional[Mapping[str, Any]] = None,
    kind: Union[SpanKind, str, None] = None,
) -> Any:
    """Traces every call of the decorated function as a span.

    Usable bare (``@observe``), with options (``@observe(name="llm.chat",
    attributes={...})``) or with the name alone (``@observe("tool.search")``).
    The span name defaults to the function's qualified name.
    """
    if isinstance(fn, str) and name is None:
        name, fn = fn, None

    def decorate(func: Any) -> Any:
        try:
            if isinstance(func, (classmethod, staticmethod)):
                return type(func)(decorate(func.__func__))
            span_name = name or getattr(func, "__qualname__", None) or getattr(func, "__name__", "function")
            attrs = dict(attributes) if attributes else None
            return _wrap(func, span_name, attrs, kind)
        except Exception as exc:
            report("observe (decorate)", exc)
            return func

    if fn is not None:
        return decorate(fn)
    return decorate
