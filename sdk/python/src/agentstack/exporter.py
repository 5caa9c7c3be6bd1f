"""The background export engine: ring buffer → batches → collector (or the offline store).

Ended spans go into a bounded :class:`RingBuffer`; a daemon thread sends them
in batches when ``batch_size`` spans are waiting or every
``export_interval_ms``, and :func:`flush` / process exit send what is left.
A batch the collector cannot take right now is saved to the SQLite
:class:`LocalStore` and resent later with the same ids.

The processor is process-wide and fork-aware: a child process gets a fresh
buffer, thread and store connection the first time it ends a span.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ._internal.buffer import RingBuffer
from ._internal.safety import logger, report
from ._internal.transport import HttpTransport, TransportResult
from .config import AgentStackConfig, get_config
from .local_store import LocalStore
from .sanitizer import Sanitizer

if TYPE_CHECKING:  # pragma: no cover
    from .tracer import Span

# Statuses after which keeping spans for a later try makes sense besides the
# transient ones the transport already retried: the key may be fixed.
_KEEP_FOR_LATER = frozenset({401, 403})


class Stats:
    """Counters behind :func:`agentstack.stats`."""

    def __init__(self) -> None:
        self.exported = 0  # accepted by the collector
        self.rejected = 0  # refused one by one in a 202 answer
        self.failed = 0  # given up for good (4xx, unserializable, offline store off or broken)
        self.offline_saved = 0  # written to the offline store
        self.offline_sent = 0  # delivered later from the offline store
        self.dropped_before = 0  # overflow of replaced processors' buffers
        self.send_errors = 0  # batches that failed to send
        self.last_error: Optional[str] = None


class BatchSpanProcessor:
    """Buffers ended spans and exports them from a daemon thread."""

    def __init__(
        self,
        config: AgentStackConfig,
        transport: Any = None,
        stats: Optional[Stats] = None,
    ) -> None:
        self.config = config
        self.buffer: RingBuffer["Span"] = RingBuffer(config.max_queue_size)
        self.transport = transport if transport is not None else HttpTransport(
            url=config.traces_url,
            api_key=config.api_key,
            timeout_s=config.request_timeout_ms / 1000.0,
            max_retries=config.max_retries,
            backoff_s=config.retry_backoff_ms / 1000.0,
            max_backoff_s=config.retry_max_backoff_ms / 1000.0,
        )
        self.sanitizer: Optional[Sanitizer] = (
            Sanitizer(config.sanitize_patterns) if config.sanitize else None
        )
        self.store: Optional[LocalStore] = (
            LocalStore(config.offline_path, config.offline_max_spans)
            if config.offline_enabled and config.offline_path
            else None
        )
        self.stats = stats if stats is not None else Stats()
        self._batch_size = max(1, config.batch_size)
        self._interval_s = max(0.001, config.export_interval_ms / 1000.0)
        self._offline_interval_s = config.offline_retry_interval_ms / 1000.0
        self._next_offline_retry = 0.0  # try leftovers of earlier runs soon after start
        self._cond = threading.Condition(threading.Lock())
        self._export_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        self._stopped = False
        self.pid = os.getpid()

    # -- producer side (user threads) -------------------------------------------
    def on_end(self, span: "Span") -> None:
        n = self.buffer.add(span)
        if self._thread is None and not self._stopped:
            self._start_thread()
        if n % self._batch_size == 0:
            with self._cond:
                self._cond.notify()

    def _start_thread(self) -> None:
        with self._start_lock:
            if self._thread is not None or self._stopped:
                return
            thread = threading.Thread(target=self._run, name="agentstack-exporter", daemon=True)
            try:
                thread.start()
            except RuntimeError as exc:  # interpreter shutting down: flush() still works
                logger.debug("agentstack: cannot start exporter thread: %r", exc)
                return
            self._thread = thread

    # -- worker -------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopped:
            try:
                with self._cond:
                    if len(self.buffer) < self._batch_size and not self._stopped:
                        self._cond.wait(self._interval_s)
                if self._stopped:
                    break
                ok = self.export_pending(deadline=None)
                if ok and self.store is not None and time.monotonic() >= self._next_offline_retry:
                    self._next_offline_retry = time.monotonic() + self._offline_interval_s
                    self.retry_offline(deadline=None)
            except Exception as exc:  # the worker must survive anything
                report("exporter thread", exc)
                time.sleep(self._interval_s)

    # -- export -------------------------------------------------------------------
    def export_pending(self, deadline: Optional[float]) -> bool:
        """Sends everything buffered; True if every batch was delivered (or there was none)."""
        timeout = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
        if not self._export_lock.acquire(timeout=timeout):
            return False
        try:
            all_ok = True
            while True:
                batch = self.buffer.drain(self.config.max_export_batch_size)
                if not batch:
                    return all_ok
                dicts = self._serialize(batch)
                if not self._deliver(dicts, deadline):
                    all_ok = False
        finally:
            self._export_lock.release()

    def _serialize(self, spans: List["Span"]) -> List[Dict[str, Any]]:
        out: List[Dict[str, Any]] = []
        service = self.config.service_name
        limit = self.config.max_attribute_length
        for span in spans:
            try:
                d = span.to_dict(service)
                d["attributes"] = self._clean(d["attributes"], limit)
                for event in d["events"]:
                    event["attributes"] = self._clean(event.get("attributes") or {}, limit)
                if self.sanitizer is not None and d.get("status_message"):
                    d["status_message"] = self.sanitizer.scrub(d["status_message"])
                out.append(d)
            except Exception as exc:
                self.stats.failed += 1
                report("span serialization", exc)
        return out

    def _clean(self, attrs: Dict[str, Any], limit: int) -> Dict[str, Any]:
        if self.sanitizer is not None:
            attrs = self.sanitizer.scrub_attributes(attrs)
        if limit > 0:
            for key, value in attrs.items():
                if isinstance(value, str) and len(value) > limit:
                    attrs[key] = value[:limit] + "…[truncated]"
        return attrs

    def _deliver(self, spans: List[Dict[str, Any]], deadline: Optional[float]) -> bool:
        if not spans:
            return True
        result = self._send(spans, deadline)
        if result.success:
            self.stats.exported += result.accepted
            self.stats.rejected += result.rejected
            return True
        self.stats.send_errors += 1
        self.stats.last_error = result.error
        if result.status_code == 413 and len(spans) > 1:
            # Too large for the collector: halve until it fits.
            mid = len(spans) // 2
            first = self._deliver(spans[:mid], deadline)
            second = self._deliver(spans[mid:], deadline)
            return first and second
        if result.retryable or result.status_code in _KEEP_FOR_LATER:
            self._save_offline(spans)
        else:
            logger.warning("agentstack: collector refused %d span(s): %s", len(spans), result.error)
            self.stats.failed += len(spans)
        return False

    def _send(self, spans: List[Dict[str, Any]], deadline: Optional[float]) -> TransportResult:
        try:
            result = self.transport.send(spans, deadline=deadline)
            if isinstance(result, TransportResult):
                return result
            return TransportResult(bool(result), accepted=len(spans) if result else 0)
        except Exception as exc:
            report("transport", exc)
            return TransportResult(False, 0, "transport error: %r" % (exc,), 0, True)

    def _save_offline(self, spans: List[Dict[str, Any]]) -> None:
        if self.store is None:
            self.stats.failed += len(spans)
            return
        try:
            self.stats.offline_saved += self.store.save_spans(spans)
        except Exception as exc:
            self.stats.failed += len(spans)
            report("offline store", exc)

    def retry_offline(self, deadline: Optional[float], max_batches: int = 20) -> int:
        """Resends spans kept in the offline store; returns how many were delivered."""
        if self.store is None:
            return 0
        delivered = 0
        timeout = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
        if not self._export_lock.acquire(timeout=timeout):
            return 0
        try:
            for _ in range(max_batches):
                spans = self.store.get_unsent_spans(limit=self.config.max_export_batch_size)
                if not spans:
                    break
                ids: List[Tuple[str, str]] = [(str(s.get("trace_id")), str(s.get("span_id"))) for s in spans]
                result = self._send(spans, deadline)
                if result.success:
                    self.store.mark_as_sent(ids)
                    self.stats.exported += result.accepted
                    self.stats.rejected += result.rejected
                    self.stats.offline_sent += len(spans)
                    delivered += len(spans)
                    continue
                if not result.retryable and result.status_code not in _KEEP_FOR_LATER:
                    # Refused for good (e.g. 400): keeping them would block the queue forever.
                    self.store.mark_as_sent(ids)
                    self.stats.failed += len(spans)
                    continue
                self.store.record_attempt(ids)
                break
        except Exception as exc:
            report("offline retry", exc)
        finally:
            self._export_lock.release()
        return delivered

    def force_flush(self, timeout: Optional[float] = None) -> bool:
        """Sends all buffered spans, then retries the offline store; False on timeout or failure."""
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        ok = self.export_pending(deadline)
        if ok and self.store is not None:
            self.retry_offline(deadline)
        return ok

    def shutdown(self, timeout: Optional[float] = None) -> bool:
        """Stops the worker and flushes; spans that could not go out are kept offline."""
        self._stopped = True
        with self._cond:
            self._cond.notify_all()
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        ok = self.export_pending(deadline)
        leftover = self.buffer.drain()
        if leftover:
            self._save_offline(self._serialize(leftover))
            ok = False
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=0.1)
        if self.store is not None:
            try:
                self.store.close()
            except Exception as exc:  # pragma: no cover - defensive
                report("offline store close", exc)
        return ok

    def stop_async(self) -> None:
        """Stops the worker without waiting (used when the processor is replaced)."""
        self._stopped = True
        with self._cond:
            self._cond.notify_all()


# -- the process-wide processor -------------------------------------------------------

_UNSET: Any = object()
_lock = threading.Lock()
_processor: Optional[BatchSpanProcessor] = None
_transport_override: Any = None
_stats = Stats()


def get_processor() -> BatchSpanProcessor:
    proc = _processor
    if proc is not None:
        return proc
    return _create_processor()


def _create_processor() -> BatchSpanProcessor:
    global _processor
    created = False
    with _lock:
        if _processor is None:
            _processor = BatchSpanProcessor(get_config(), _transport_override, _stats)
            created = True
        proc = _processor
    if created:
        _flush_at_multiprocessing_exit()
    return proc


def _flush_at_multiprocessing_exit() -> None:
    # A multiprocessing child started with "fork" ends with os._exit(), which
    # skips atexit; its own finalizers still run, so flush from one of them.
    mp = sys.modules.get("multiprocessing")
    mp_util = sys.modules.get("multiprocessing.util")
    if mp is None or mp_util is None:
        return
    try:
        if mp.parent_process() is not None:
            mp_util.Finalize(None, _at_exit, exitpriority=0)
    except Exception as exc:
        report("multiprocessing exit hook", exc)


def replace_processor(config: AgentStackConfig, transport: Any = _UNSET) -> BatchSpanProcessor:
    """Installs a processor for ``config``, moving over the spans still buffered in the old one."""
    global _processor, _transport_override
    with _lock:
        if transport is not _UNSET:
            _transport_override = transport
        old = _processor
        new = BatchSpanProcessor(config, _transport_override, _stats)
        _processor = new
    if old is not None:
        old.stop_async()
        _stats.dropped_before += old.buffer.dropped
        for span in old.buffer.drain():
            new.on_end(span)
    return new


def current_stats() -> Dict[str, Any]:
    proc = _processor
    dropped = _stats.dropped_before + (proc.buffer.dropped if proc is not None else 0)
    pending = 0
    if proc is not None and proc.store is not None:
        try:
            pending = proc.store.count()
        except Exception as exc:
            report("stats", exc)
    return {
        "exported": _stats.exported,
        "dropped": dropped,
        "failed": _stats.failed,
        "rejected": _stats.rejected,
        "queued": len(proc.buffer) if proc is not None else 0,
        "offline_saved": _stats.offline_saved,
        "offline_sent": _stats.offline_sent,
        "offline_pending": pending,
        "send_errors": _stats.send_errors,
        "last_error": _stats.last_error,
    }


def reset_for_tests() -> None:
    """Discards the processor (without exporting) and zeroes the counters."""
    global _processor, _transport_override, _stats
    with _lock:
        old = _processor
        _processor = None
        _transport_override = None
        _stats = Stats()
    if old is not None:
        old.stop_async()


def _after_fork_in_child() -> None:
    # The parent's buffer, locks, thread and SQLite connection must not be
    # used here: start from nothing, and let the next span build a new
    # processor. The parent still owns (and exports) its buffered spans.
    global _processor, _lock, _stats
    _lock = threading.Lock()
    _processor = None
    _stats = Stats()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _at_exit() -> None:
    proc = _processor
    if proc is None or proc.pid != os.getpid():
        return
    try:
        proc.shutdown(timeout=proc.config.shutdown_timeout_ms / 1000.0)
    except Exception as exc:
        report("atexit flush", exc)


atexit.register(_at_exit)
