"""HTTP transport to the collector: gzip JSON over urllib, with bounded retries."""

from __future__ import annotations

import email.utils
import gzip
import http.client
import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional

from .._version import __version__

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class TransportResult(NamedTuple):
    """What happened to one batch.

    ``retryable`` tells the exporter whether keeping the spans for later makes
    sense (connection errors, 429, 5xx, a key that may get fixed) or whether
    the collector refused them for good (400, 413 on one span...).
    """

    success: bool
    status_code: int = 0
    error: Optional[str] = None
    retries_used: int = 0
    retryable: bool = False
    accepted: int = 0
    rejected: int = 0


class HttpTransport:
    """Sends ``{"spans": [...]}`` to ``POST {collector}/v1/traces``."""

    def __init__(
        self,
        url: str,
        api_key: str = "",
        timeout_s: float = 10.0,
        max_retries: int = 3,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "agentstack-python/" + __version__,
    ) -> None:
        self.url = url
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.max_retries = max(0, int(max_retries))
        self.backoff_s = max(0.0, backoff_s)
        self.max_backoff_s = max(0.0, max_backoff_s)
        self._sleep = sleep
        self._user_agent = user_agent
        self._rng = random.Random()
        # A collector on this machine is reached directly even when http_proxy
        # is set; a remote one goes through the environment's proxy settings.
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        if host in ("localhost", "::1") or host.startswith("127."):
            self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        else:
            self._opener = urllib.request.build_opener()

    def encode(self, spans: List[Dict[str, Any]]) -> bytes:
        body = json.dumps({"spans": spans}, separators=(",", ":"), ensure_ascii=False, default=str)
        return gzip.compress(body.encode("utf-8"), compresslevel=5)

    def send(self, spans: List[Dict[str, Any]], deadline: Optional[float] = None) -> TransportResult:
        """Posts one batch, retrying transient failures until ``max_retries`` or ``deadline``.

        ``deadline`` is a ``time.monotonic()`` value; no attempt or back-off
        sleep runs past it.
        """
        if not spans:
            return TransportResult(True)
        data = self.encode(spans)
        headers = {
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "User-Agent": self._user_agent,
        }
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        attempt = 0
        while True:
            result, retry_after = self._attempt(data, headers, len(spans), attempt, deadline)
            if result.success or not result.retryable or attempt >= self.max_retries:
                return result
            delay = self._backoff(attempt, retry_after)
            if deadline is not None and time.monotonic() + delay >= deadline:
                return result
            self._sleep(delay)
            attempt += 1

    def _backoff(self, attempt: int, retry_after: Optional[float]) -> float:
        # Exponential with "equal jitter": half fixed, half random, so that
        # many agents restarted together do not retry in lockstep.
        base = min(self.max_backoff_s, self.backoff_s * (2 ** attempt))
        delay = base / 2 + self._rng.uniform(0, base / 2)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.max_backoff_s)

    def _attempt(
        self, data: bytes, headers: Mapping[str, str], count: int, attempt: int, deadline: Optional[float]
    ) -> "tuple[TransportResult, Optional[float]]":
        timeout = self.timeout_s
        if deadline is not None:
            timeout = max(0.05, min(timeout, deadline - time.monotonic()))
        request = urllib.request.Request(self.url, data=data, headers=dict(headers), method="POST")
        try:
            with self._opener.open(request, timeout=timeout) as response:
                status = response.status
                payload = response.read()
            accepted, rejected = _parse_accepted(payload, count)
            return TransportResult(True, status, None, attempt, False, accepted, rejected), None
        except urllib.error.HTTPError as err:
            status = err.code
            retry_after = parse_retry_after(err.headers.get("Retry-After") if err.headers else None)
            try:
                detail = err.read(512).decode("utf-8", "replace")
            except Exception:
                detail = ""
            finally:
                err.close()
            retryable = status in RETRYABLE_STATUS
            message = "HTTP %d %s" % (status, detail.strip())
            return TransportResult(False, status, message.strip(), attempt, retryable), retry_after
        except (urllib.error.URLError, OSError, socket.timeout, http.client.HTTPException) as err:
            reason = getattr(err, "reason", err)
            return TransportResult(False, 0, "connection error: %s" % (reason,), attempt, True), None


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _parse_accepted(payload: bytes, count: int) -> "tuple[int, int]":
    try:
        body = json.loads(payload.decode("utf-8")) if payload else {}
    except (ValueError, UnicodeDecodeError):
        return count, 0
    if not isinstance(body, dict):
        return count, 0
    rejected = body.get("rejected") or []
    n_rejected = len(rejected) if isinstance(rejected, list) else 0
    queued = body.get("spans_queued")
    accepted = queued if isinstance(queued, int) and not isinstance(queued, bool) else count - n_rejected
    return accepted, n_rejected
