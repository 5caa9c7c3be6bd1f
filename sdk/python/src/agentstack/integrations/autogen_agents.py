"""Auto-capture for AutoGen agents (the seed's frameworks/autogen stub, made real).

Classic AutoGen / AG2 (``autogen.ConversableAgent``): ``initiate_chat`` and
``generate_reply`` (and their ``a_`` async forms) become spans, so a
conversation shows as a tree of agent turns. AutoGen AgentChat 0.4+
(``autogen_agentchat.agents.BaseChatAgent``): ``run`` becomes a span.
LLM calls inside are captured by :func:`instrument_openai` and friends.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, List, Sequence, Tuple

from .._internal.safety import report
from ..config import get_config
from ..context import activate, deactivate
from ..tracer import get_tracer
from ._common import WRAPPED_FLAG, class_attribute, restore_original

GEN_AI_AGENT_NAME = "gen_ai.agent.name"
GEN_AI_OPERATION_NAME = "gen_ai.operation.name"
RECIPIENT = "agentstack.agent.recipient"

# (module, class, method, span prefix)
TARGETS: List[Tuple[str, str, str, str]] = [
    ("autogen", "ConversableAgent", "initiate_chat", "agent.chat"),
    ("autogen", "ConversableAgent", "a_initiate_chat", "agent.chat"),
    ("autogen", "ConversableAgent", "generate_reply", "agent.reply"),
    ("autogen", "ConversableAgent", "a_generate_reply", "agent.reply"),
    ("autogen_agentchat.agents", "BaseChatAgent", "run", "agent.run"),
]


def _describe(prefix: str, agent: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[str, Dict[str, Any]]:
    name = getattr(agent, "name", None) or type(agent).__name__
    attrs: Dict[str, Any] = {GEN_AI_AGENT_NAME: str(name), GEN_AI_OPERATION_NAME: "invoke_agent"}
    if prefix == "agent.chat":
        recipient = args[0] if args else kwargs.get("recipient")
        if recipient is not None:
            attrs[RECIPIENT] = str(getattr(recipient, "name", recipient))
    return "%s %s" % (prefix, name), attrs


def _wrap(original: Callable[..., Any], prefix: str) -> Callable[..., Any]:
    def begin(self: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Any, Any]:
        try:
            if not get_config().enabled:
                return None, None
            name, attrs = _describe(prefix, self, args, kwargs)
            span = get_tracer().start_span(name, attributes=attrs)
            if not span.is_recording():
                return None, None
            return span, activate(span)
        except Exception as exc:
            report("autogen integration (start)", exc)
            return None, None

    def finish(span: Any, token: Any, exc: Any) -> None:
        if span is None:
            return
        try:
            if exc is not None:
                span.record_exception(exc)
            span.end()
        except Exception as err:
            report("autogen integration (end)", err)
        finally:
            deactivate(token)

    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def async_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            span, token = begin(self, args, kwargs)
            try:
                result = await original(self, *args, **kwargs)
            except BaseException as exc:
                finish(span, token, exc)
                raise
            finish(span, token, None)
            return result

        setattr(async_wrapper, WRAPPED_FLAG, original)
        return async_wrapper

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        span, token = begin(self, args, kwargs)
        try:
            result = original(self, *args, **kwargs)
        except BaseException as exc:
            finish(span, token, exc)
            raise
        finish(span, token, None)
        return result

    setattr(wrapper, WRAPPED_FLAG, original)
    return wrapper


def instrument(targets: Sequence[Tuple[str, str, str, str]] = TARGETS) -> int:
    count = 0
    for module_name, class_name, method, prefix in targets:
        cls, original = class_attribute(module_name, class_name, method)
        if original is None or not callable(original) or getattr(original, WRAPPED_FLAG, None) is not None:
            continue
        setattr(cls, method, _wrap(original, prefix))
        count += 1
    return count


def uninstrument(targets: Sequence[Tuple[str, str, str, str]] = TARGETS) -> int:
    return sum(restore_original(module_name, class_name, method) for module_name, class_name, method, _ in targets)
