"""AgentStack: tracing for AI agents, with the standard library only.

    from agentstack import observe, Tracer, flush

    @observe(name="agent.run")
    def run(query): ...

Everything a program needs is importable from this module.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Dict, Optional

from ._internal.safety import logger, never_raise
from ._version import __version__
from .config import AgentStackConfig, get_config, set_config
from .context import span_context
from .decorator import observe
from .exporter import BatchSpanProcessor, _UNSET, current_stats, get_processor, replace_processor
from .integrations import instrument_anthropic, instrument_autogen, instrument_openai
from .llm import record_llm_usage
from .models import SpanContext, SpanEvent, SpanKind, SpanStatus
from .propagation import extract, inject, use_context
from .sanitizer import Sanitizer
from .tracer import INVALID_SPAN, NonRecordingSpan, Span, Tracer, get_current_span, get_tracer

__all__ = [
    "AgentStackConfig",
    "BatchSpanProcessor",
    "INVALID_SPAN",
    "NonRecordingSpan",
    "Sanitizer",
    "Span",
    "SpanContext",
    "SpanEvent",
    "SpanKind",
    "SpanStatus",
    "Tracer",
    "__version__",
    "configure",
    "extract",
    "flush",
    "get_config",
    "get_current_span",
    "get_tracer",
    "inject",
    "instrument_anthropic",
    "instrument_autogen",
    "instrument_openai",
    "observe",
    "record_llm_usage",
    "shutdown",
    "span_context",
    "start_span",
    "start_trace",
    "stats",
    "use_context",
]

_debug_handler: Optional[logging.Handler] = None


@never_raise(default=None)
def configure(transport: Any = _UNSET, **options: Any) -> AgentStackConfig:
    """Changes SDK settings at run time (same names as the ``AgentStackConfig`` fields).

    ``configure(api_key="ak_…", service_name="planner", sanitize_patterns=[r"order-\\d+"])``.
    Unknown options are logged and ignored. ``transport=`` replaces the HTTP
    transport with any object that has ``send(spans, deadline=None)``
    (``None`` restores the HTTP one). Spans still buffered are kept.
    """
    cfg = get_config().replace(**options)
    set_config(cfg)
    _apply_logging(cfg)
    replace_processor(cfg, transport)
    return cfg


def _apply_logging(cfg: AgentStackConfig) -> None:
    global _debug_handler
    level = logging.DEBUG if cfg.debug else getattr(logging, cfg.log_level.upper(), logging.INFO)
    logger.setLevel(level)
    if cfg.debug and _debug_handler is None:
        _debug_handler = logging.StreamHandler(sys.stderr)
        _debug_handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(_debug_handler)


@never_raise(default=False)
def flush(timeout: Optional[float] = 30.0) -> bool:
    """Sends every buffered span now (and retries the offline store). True when all got through."""
    return get_processor().force_flush(timeout)


@never_raise(default=False)
def shutdown(timeout: Optional[float] = None) -> bool:
    """Flushes and stops the exporter (done automatically at exit)."""
    proc = get_processor()
    if timeout is None:
        timeout = proc.config.shutdown_timeout_ms / 1000.0
    return proc.shutdown(timeout)


@never_raise(default={})
def stats() -> Dict[str, Any]:
    """Export counters: ``exported``, ``dropped`` (buffer overflow), ``failed``, ``queued``, offline ones…"""
    return current_stats()


def start_span(name: str, **kwargs: Any) -> Span:
    """Shortcut for ``get_tracer().start_span(...)``."""
    return get_tracer().start_span(name, **kwargs)


def start_trace(name: str, **kwargs: Any) -> Span:
    """Shortcut for ``get_tracer().start_trace(...)``."""
    return get_tracer().start_trace(name, **kwargs)


try:
    _cfg = get_config()
    if _cfg.debug or _cfg.log_level.upper() != "INFO":
        _apply_logging(_cfg)
except Exception:  # pragma: no cover - import must never fail
    pass
