"""Optional auto-capture for LLM client libraries (used only when they are installed)."""

from __future__ import annotations

from typing import Any, Optional

from .._internal.safety import never_raise
from . import anthropic_client, autogen_agents, openai_client
from ._common import patch_classes, patch_client, unpatch_classes

__all__ = [
    "instrument_anthropic",
    "instrument_autogen",
    "instrument_openai",
    "uninstrument_anthropic",
    "uninstrument_autogen",
    "uninstrument_openai",
]


@never_raise(default=False)
def instrument_openai(client: Optional[Any] = None) -> bool:
    """Traces ``chat.completions.create`` and ``responses.create`` (sync, async, streamed).

    With ``client``, only that client instance is instrumented; without, the
    ``openai`` classes are, so every client made afterwards or before is. Each
    call becomes a ``chat {model}`` client span with GenAI model, usage and
    (when ``capture_content`` is on) message attributes. Returns False when
    nothing could be instrumented (e.g. ``openai`` is not installed).
    """
    if client is not None:
        return patch_client(client, openai_client.CLIENT_PATHS) > 0
    return patch_classes(openai_client.CLASS_TARGETS) > 0


@never_raise(default=False)
def instrument_anthropic(client: Optional[Any] = None) -> bool:
    """Traces ``messages.create`` (sync, async, streamed) of one client or of the ``anthropic`` classes."""
    if client is not None:
        return patch_client(client, anthropic_client.CLIENT_PATHS) > 0
    return patch_classes(anthropic_client.CLASS_TARGETS) > 0


@never_raise(default=False)
def uninstrument_openai() -> bool:
    return unpatch_classes(openai_client.CLASS_TARGETS) > 0


@never_raise(default=False)
def uninstrument_anthropic() -> bool:
    return unpatch_classes(anthropic_client.CLASS_TARGETS) > 0


@never_raise(default=False)
def instrument_autogen() -> bool:
    """Traces AutoGen agent turns: ``ConversableAgent.initiate_chat`` / ``generate_reply`` (and ``a_`` forms)
    of classic AutoGen / AG2, and ``BaseChatAgent.run`` of AutoGen AgentChat 0.4+.

    Each becomes an ``agent.chat|agent.reply|agent.run {agent name}`` span,
    current while it runs, so nested turns and LLM calls nest under it.
    """
    return autogen_agents.instrument() > 0


@never_raise(default=False)
def uninstrument_autogen() -> bool:
    return autogen_agents.uninstrument() > 0
