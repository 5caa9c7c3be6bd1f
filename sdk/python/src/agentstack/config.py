"""SDK configuration, read from ``AGENTSTACK_*`` environment variables.

The configuration is an immutable dataclass. :func:`get_config` returns the
process-wide instance (built from the environment on first use) and
:func:`configure` replaces it with a copy that has some fields changed.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Any, Dict, Mapping, Optional, Pattern, Sequence, Tuple, Union

from ._internal.safety import logger

DEFAULT_COLLECTOR_URL = "http://localhost:4318"
DEFAULT_OFFLINE_PATH = ".agentstack.db"

# A custom sanitizer pattern as given to configure(): a regex (string or
# compiled), or a (regex, replacement) pair.
PatternSpec = Union[str, Pattern[str], Tuple[Union[str, Pattern[str]], str]]

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}


@dataclasses.dataclass(frozen=True)
class AgentStackConfig:
    """Every SDK setting. Build one with :meth:`from_env` or :func:`configure`."""

    api_key: str = ""
    collector_url: str = DEFAULT_COLLECTOR_URL
    enabled: bool = True
    service_name: str = "default"
    batch_size: int = 64
    export_interval_ms: int = 5000
    max_queue_size: int = 2048
    max_export_batch_size: int = 512
    log_level: str = "INFO"
    debug: bool = False
    # Transport.
    request_timeout_ms: int = 10000
    max_retries: int = 3
    retry_backoff_ms: int = 1000
    retry_max_backoff_ms: int = 30000
    # Offline fallback.
    offline_enabled: bool = True
    offline_path: str = DEFAULT_OFFLINE_PATH
    offline_retry_interval_ms: int = 30000
    offline_max_spans: int = 100000
    # Privacy.
    sanitize: bool = True
    sanitize_patterns: Tuple[PatternSpec, ...] = ()
    capture_content: bool = True
    max_attribute_length: int = 65536
    # Process exit.
    shutdown_timeout_ms: int = 5000

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "AgentStackConfig":
        """Reads every ``AGENTSTACK_*`` variable; a malformed value keeps its default."""
        env = os.environ if environ is None else environ
        values: Dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "sanitize_patterns":
                continue
            raw = env.get(_ENV_NAMES.get(f.name, "AGENTSTACK_" + f.name.upper()))
            if raw is None:
                continue
            parsed = _parse(f.name, f.default, raw)
            if parsed is not None:
                values[f.name] = parsed
        offline_path = values.get("offline_path")
        if offline_path is not None and offline_path.strip() == "":
            values["offline_enabled"] = False
        if values.get("debug"):
            values.setdefault("log_level", "DEBUG")
        return cls(**values)

    def replace(self, **changes: Any) -> "AgentStackConfig":
        """Returns a copy with ``changes`` applied; unknown or ill-typed ones are ignored."""
        known = {f.name: f for f in dataclasses.fields(self)}
        clean: Dict[str, Any] = {}
        for key, value in changes.items():
            f = known.get(key)
            if f is None:
                logger.warning("agentstack: configure() ignores unknown option %r", key)
                continue
            coerced = _coerce(key, f.default, value)
            if coerced is None and value is not None:
                logger.warning("agentstack: configure() ignores %s=%r (wrong type)", key, value)
                continue
            if coerced is not None:
                clean[key] = coerced
        if clean.get("offline_path", None) == "":
            clean["offline_enabled"] = False
            del clean["offline_path"]
        return dataclasses.replace(self, **clean)

    @property
    def traces_url(self) -> str:
        url = self.collector_url.rstrip("/")
        if url.endswith("/v1/traces"):
            return url
        return url + "/v1/traces"


# Names that do not follow the AGENTSTACK_<FIELD> rule, kept for the seed's
# documented variables.
_ENV_NAMES = {
    "export_interval_ms": "AGENTSTACK_EXPORT_INTERVAL",
}


def _parse(name: str, default: Any, raw: str) -> Any:
    raw = raw.strip()
    try:
        if isinstance(default, bool):
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            value = int(float(raw))
            if value < 0:
                raise ValueError(raw)
            return value
        return raw
    except ValueError:
        logger.warning("agentstack: ignoring malformed AGENTSTACK_%s=%r", name.upper(), raw)
        return None


def _coerce(name: str, default: Any, value: Any) -> Any:
    if value is None:
        return None
    if name == "sanitize_patterns":
        if isinstance(value, Mapping):
            return tuple((pattern, "[REDACTED_%s]" % str(key).upper()) for key, pattern in value.items())
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            return (value,)
        return tuple(value)
    if isinstance(default, bool):
        if isinstance(value, str):
            return _parse(name, default, value)
        return bool(value)
    if isinstance(default, int):
        if isinstance(value, bool):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None
        return number if number >= 0 else None
    if isinstance(default, str):
        return value if isinstance(value, str) else None
    return value


_lock = threading.Lock()
_config: Optional[AgentStackConfig] = None


def get_config() -> AgentStackConfig:
    """The process-wide configuration, read from the environment on first use."""
    global _config
    cfg = _config
    if cfg is None:
        with _lock:
            if _config is None:
                _config = AgentStackConfig.from_env()
            cfg = _config
    return cfg


def set_config(cfg: AgentStackConfig) -> None:
    global _config
    with _lock:
        _config = cfg


def reset_config() -> None:
    """Forgets the configuration so the next use reads the environment again (tests)."""
    global _config
    with _lock:
        _config = None
