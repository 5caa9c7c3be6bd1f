"""Guards that keep SDK failures away from the instrumented program.

Every public entry point is wrapped with :func:`never_raise`: an error inside
the SDK is logged (once per call site) and a harmless default is returned, so
that observability can never be the reason an agent fails.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Optional, Set, TypeVar, cast

logger = logging.getLogger("agentstack")
logger.addHandler(logging.NullHandler())

F = TypeVar("F", bound=Callable[..., Any])

_reported: Set[str] = set()


def report(where: str, exc: BaseException) -> None:
    """Logs an internal SDK error; the full stack only the first time per site."""
    try:
        if where in _reported:
            logger.debug("agentstack: internal error in %s: %r", where, exc)
            return
        _reported.add(where)
        logger.warning("agentstack: internal error in %s (further ones are logged at DEBUG): %r",
                       where, exc, exc_info=exc)
    except Exception:  # logging itself must not break the caller either
        pass


def never_raise(default: Any = None, where: Optional[str] = None) -> Callable[[F], F]:
    """Decorator: the wrapped SDK function returns ``default`` instead of raising."""

    def decorate(fn: F) -> F:
        site = where or getattr(fn, "__qualname__", repr(fn))

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                report(site, exc)
                return default

        return cast(F, wrapper)

    return decorate
