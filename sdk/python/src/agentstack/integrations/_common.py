"""Machinery shared by the LLM client integrations: wrapping ``create`` and proxying streams."""

from __future__ import annotations

import functools
import importlib
import inspect
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from .._internal.safety import report
from ..config import get_config
from ..llm import (
    GEN_AI_INPUT_MESSAGES,
    GEN_AI_OPERATION_NAME,
    GEN_AI_PROVIDER_NAME,
    GEN_AI_REQUEST_MAX_TOKENS,
    GEN_AI_REQUEST_MODEL,
    GEN_AI_REQUEST_TEMPERATURE,
    GEN_AI_REQUEST_TOP_P,
    GEN_AI_RESPONSE_ID,
    GEN_AI_RESPONSE_MODEL,
    _as_int as as_int,
    messages_json,
)
from ..models import SpanKind
from ..tracer import Span, get_tracer

WRAPPED_FLAG = "__agentstack_original__"


def get(obj: Any, *path: str) -> Any:
    """Reads ``obj.a.b`` or ``obj["a"]["b"]`` (SDK objects and plain dicts alike); None if absent."""
    for name in path:
        if obj is None:
            return None
        if isinstance(obj, dict):
            obj = obj.get(name)
        else:
            obj = getattr(obj, name, None)
    return obj


class Accumulator:
    """Collects what a streamed response says, chunk by chunk, then writes it on the span."""

    def add(self, item: Any) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def finish(self, span: Span) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class Spec:
    """What one API (chat completions, responses, messages) looks like to the wrapper."""

    provider = ""
    operation = "chat"

    def request_attributes(self, kwargs: Dict[str, Any], capture: bool) -> Dict[str, Any]:
        model = kwargs.get("model")
        attrs: Dict[str, Any] = {
            GEN_AI_OPERATION_NAME: self.operation,
            GEN_AI_PROVIDER_NAME: self.provider,
        }
        if model:
            attrs[GEN_AI_REQUEST_MODEL] = str(model)
        for key, attr in (("temperature", GEN_AI_REQUEST_TEMPERATURE), ("top_p", GEN_AI_REQUEST_TOP_P)):
            value = kwargs.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                attrs[attr] = value
        max_tokens = as_int(
            kwargs.get("max_tokens", kwargs.get("max_completion_tokens", kwargs.get("max_output_tokens"))))
        if max_tokens is not None:
            attrs[GEN_AI_REQUEST_MAX_TOKENS] = max_tokens
        if capture:
            messages = self.input_messages(kwargs)
            if messages:
                attrs[GEN_AI_INPUT_MESSAGES] = messages_json(messages)
        return attrs

    def input_messages(self, kwargs: Dict[str, Any]) -> Optional[List[Any]]:  # pragma: no cover
        return None

    def response_attributes(self, response: Any, capture: bool) -> Dict[str, Any]:  # pragma: no cover
        return {}

    def accumulator(self, capture: bool) -> Accumulator:  # pragma: no cover
        raise NotImplementedError


class _Call:
    __slots__ = ("span", "spec", "stream", "capture")

    def __init__(self, span: Span, spec: Spec, stream: bool, capture: bool) -> None:
        self.span = span
        self.spec = spec
        self.stream = stream
        self.capture = capture


def _begin(spec: Spec, kwargs: Dict[str, Any]) -> Optional[_Call]:
    try:
        cfg = get_config()
        if not cfg.enabled:
            return None
        capture = cfg.capture_content
        attrs = spec.request_attributes(kwargs, capture)
        model = kwargs.get("model")
        name = "%s %s" % (spec.operation, model) if model else spec.operation
        span = get_tracer().start_span(name, attributes=attrs, kind=SpanKind.CLIENT)
        if not span.is_recording():
            return None
        return _Call(span, spec, bool(kwargs.get("stream")), capture)
    except Exception as exc:
        report("llm integration (start)", exc)
        return None


def _fail(call: Optional[_Call], exc: BaseException) -> None:
    if call is None:
        return
    try:
        call.span.record_exception(exc)
        call.span.end()
    except Exception as err:
        report("llm integration (error)", err)


def _finish(call: Optional[_Call], result: Any, is_async: bool) -> Any:
    if call is None:
        return result
    try:
        if call.stream:
            acc = call.spec.accumulator(call.capture)
            return AsyncStreamProxy(result, call.span, acc) if is_async else StreamProxy(result, call.span, acc)
        call.span.set_attributes(call.spec.response_attributes(result, call.capture))
    except Exception as exc:
        report("llm integration (response)", exc)
    try:
        call.span.end()
    except Exception as exc:  # pragma: no cover - defensive
        report("llm integration (end)", exc)
    return result


def wrap_create(original: Callable[..., Any], spec: Spec) -> Callable[..., Any]:
    """Wraps a ``create`` function or bound method; async-ness follows the original."""
    if getattr(original, WRAPPED_FLAG, None) is not None:
        return original

    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            call = _begin(spec, kwargs)
            try:
                result = await original(*args, **kwargs)
            except BaseException as exc:
                _fail(call, exc)
                raise
            return _finish(call, result, True)

        setattr(async_wrapper, WRAPPED_FLAG, original)
        return async_wrapper

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        call = _begin(spec, kwargs)
        try:
            result = original(*args, **kwargs)
        except BaseException as exc:
            _fail(call, exc)
            raise
        if call is not None and inspect.isawaitable(result):
            # The clients decorate their async create() with a plain function
            # (openai/anthropic's required_args) that returns the coroutine.
            return _await_then_finish(call, result)
        return _finish(call, result, False)

    setattr(wrapper, WRAPPED_FLAG, original)
    return wrapper


async def _await_then_finish(call: _Call, awaitable: Any) -> Any:
    try:
        result = await awaitable
    except BaseException as exc:
        _fail(call, exc)
        raise
    return _finish(call, result, True)


class _StreamBase:
    def __init__(self, stream: Any, span: Span, acc: Accumulator) -> None:
        self._stream = stream
        self._span = span
        self._acc = acc
        self._done = False

    def _observe(self, item: Any) -> None:
        try:
            self._acc.add(item)
        except Exception as exc:
            report("llm integration (stream chunk)", exc)

    def _end(self, exc: Optional[BaseException] = None) -> None:
        if self._done:
            return
        self._done = True
        try:
            self._acc.finish(self._span)
            if exc is not None:
                self._span.record_exception(exc)
            self._span.end()
        except Exception as err:
            report("llm integration (stream end)", err)

    def __getattr__(self, name: str) -> Any:
        # Only reached for names the proxy lacks: hand them to the real stream.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._stream, name)

    def __del__(self) -> None:
        # A stream dropped half-read still ends its span.
        try:
            self._end()
        except Exception:  # pragma: no cover - defensive
            pass


class StreamProxy(_StreamBase):
    """Looks like the client's stream; ends the span when iteration finishes, fails or closes."""

    def __init__(self, stream: Any, span: Span, acc: Accumulator) -> None:
        super().__init__(stream, span, acc)
        self._iterator: Optional[Iterator[Any]] = None

    def __iter__(self) -> "StreamProxy":
        return self

    def __next__(self) -> Any:
        if self._iterator is None:
            self._iterator = iter(self._stream)
        try:
            item = next(self._iterator)
        except StopIteration:
            self._end()
            raise
        except BaseException as exc:
            self._end(exc)
            raise
        self._observe(item)
        return item

    def __enter__(self) -> "StreamProxy":
        enter = getattr(self._stream, "__enter__", None)
        if enter is not None:
            enter()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        try:
            exit_ = getattr(self._stream, "__exit__", None)
            return exit_(exc_type, exc, tb) if exit_ is not None else None
        finally:
            self._end(exc)

    def close(self) -> None:
        try:
            close = getattr(self._stream, "close", None)
            if close is not None:
                close()
        finally:
            self._end()


class AsyncStreamProxy(_StreamBase):
    """The async counterpart of :class:`StreamProxy`."""

    def __init__(self, stream: Any, span: Span, acc: Accumulator) -> None:
        super().__init__(stream, span, acc)
        self._aiterator: Any = None

    def __aiter__(self) -> "AsyncStreamProxy":
        return self

    async def __anext__(self) -> Any:
        if self._aiterator is None:
            self._aiterator = self._stream.__aiter__()
        try:
            item = await self._aiterator.__anext__()
        except StopAsyncIteration:
            self._end()
            raise
        except BaseException as exc:
            self._end(exc)
            raise
        self._observe(item)
        return item

    async def __aenter__(self) -> "AsyncStreamProxy":
        enter = getattr(self._stream, "__aenter__", None)
        if enter is not None:
            await enter()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        try:
            exit_ = getattr(self._stream, "__aexit__", None)
            return (await exit_(exc_type, exc, tb)) if exit_ is not None else None
        finally:
            self._end(exc)

    async def close(self) -> None:
        try:
            close = getattr(self._stream, "close", None) or getattr(self._stream, "aclose", None)
            if close is not None:
                res = close()
                if inspect.isawaitable(res):
                    await res
        finally:
            self._end()

    aclose = close


def patch_client(client: Any, paths: Sequence[Tuple[Tuple[str, ...], Spec]]) -> int:
    """Wraps ``create`` on the resources of one client instance; returns how many were wrapped."""
    count = 0
    for path, spec in paths:
        resource = get(client, *path)
        create = getattr(resource, "create", None)
        if resource is None or create is None or getattr(create, WRAPPED_FLAG, None) is not None:
            continue
        try:
            setattr(resource, "create", wrap_create(create, spec))
            count += 1
        except (AttributeError, TypeError) as exc:
            report("llm integration (patch client)", exc)
    return count


def class_attribute(module_name: str, class_name: str, attr: str) -> Tuple[Any, Any]:
    """``(cls, cls.__dict__[attr])`` of a class in an installed module; None for whatever is missing."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None, None
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type):
        return None, None
    return cls, cls.__dict__.get(attr)


def restore_original(module_name: str, class_name: str, attr: str) -> bool:
    """Puts back what a wrapper of ours replaced on a class; False if it is not wrapped."""
    cls, current = class_attribute(module_name, class_name, attr)
    original = getattr(current, WRAPPED_FLAG, None)
    if original is None:
        return False
    setattr(cls, attr, original)
    return True


def patch_classes(targets: Sequence[Tuple[str, str, Spec]]) -> int:
    """Wraps ``create`` on classes named by (module, class); returns how many were wrapped."""
    count = 0
    for module_name, class_name, spec in targets:
        cls, original = class_attribute(module_name, class_name, "create")
        if original is None or getattr(original, WRAPPED_FLAG, None) is not None:
            continue
        setattr(cls, "create", wrap_create(original, spec))
        count += 1
    return count


def unpatch_classes(targets: Sequence[Tuple[str, str, Spec]]) -> int:
    return sum(restore_original(module_name, class_name, "create") for module_name, class_name, _spec in targets)


def response_identity(response: Any) -> Dict[str, Any]:
    """The response's model and id attributes, for those it has."""
    attrs: Dict[str, Any] = {}
    model = get(response, "model")
    if model:
        attrs[GEN_AI_RESPONSE_MODEL] = str(model)
    rid = get(response, "id")
    if rid:
        attrs[GEN_AI_RESPONSE_ID] = str(rid)
    return attrs


def finish_reasons(values: List[Any]) -> List[str]:
    return [str(v) for v in values if v]
