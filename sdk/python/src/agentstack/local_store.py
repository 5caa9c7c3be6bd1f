"""Offline fallback: spans the collector could not take wait in a local SQLite file.

The exporter saves a batch here when sending fails for a reason that may
pass (collector down, overloaded, key not yet valid) and later resends it
with the same ids. The collector's store is idempotent on (project, trace id,
span id), so a span that reaches it twice is stored once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

from ._internal.safety import logger

_SCHEMA = """
CREATE TABLE IF NOT EXISTS unsent_spans (
    trace_id   TEXT NOT NULL,
    span_id    TEXT NOT NULL,
    payload    TEXT NOT NULL,
    saved_at   INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    sent       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (trace_id, span_id)
)
"""


class LocalStore:
    """A small SQLite queue of unsent spans, bounded to ``max_spans`` rows (oldest evicted)."""

    def __init__(self, path: str, max_spans: int = 100000) -> None:
        # Resolved now, so a later chdir() of the agent does not split the queue.
        self.path = os.path.abspath(path)
        self.max_spans = max(1, int(max_spans))
        self._lock = threading.Lock()
        self._conn: Optional[sqlite3.Connection] = None
        self._pid = os.getpid()

    def _connect(self, create: bool) -> Optional[sqlite3.Connection]:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        # A connection inherited through fork must not be used by the child.
        self._conn = None
        self._pid = os.getpid()
        if not create and not os.path.exists(self.path):
            return None
        directory = os.path.dirname(self.path)
        if create and not os.path.isdir(directory):
            os.makedirs(directory, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute(_SCHEMA)
        self._conn = conn
        return conn

    def save_spans(self, spans: List[Dict[str, Any]]) -> int:
        """Stores spans (replacing any with the same ids); returns how many were written."""
        if not spans:
            return 0
        now = time.time_ns()
        rows = [
            (str(s.get("trace_id", "")), str(s.get("span_id", "")),
             json.dumps(s, separators=(",", ":"), ensure_ascii=False, default=str), now)
            for s in spans
        ]
        with self._lock:
            conn = self._connect(create=True)
            assert conn is not None
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT OR REPLACE INTO unsent_spans(trace_id, span_id, payload, saved_at, attempts, sent)"
                    " VALUES (?, ?, ?, ?, 0, 0)",
                    rows,
                )
                # Keep the file bounded: the oldest spans go first.
                (count,) = conn.execute("SELECT COUNT(*) FROM unsent_spans").fetchone()
                excess = count - self.max_spans
                if excess > 0:
                    conn.execute(
                        "DELETE FROM unsent_spans WHERE rowid IN "
                        "(SELECT rowid FROM unsent_spans ORDER BY saved_at, rowid LIMIT ?)",
                        (excess,),
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(rows)

    def get_unsent_spans(self, limit: int = 100) -> List[Dict[str, Any]]:
        """The oldest unsent spans, in the order they were saved."""
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT payload FROM unsent_spans WHERE sent = 0 ORDER BY saved_at, rowid LIMIT ?",
                (max(1, int(limit)),),
            ).fetchall()
        spans: List[Dict[str, Any]] = []
        for (payload,) in rows:
            try:
                spans.append(json.loads(payload))
            except ValueError:
                logger.debug("agentstack: dropping unreadable offline span")
        return spans

    def mark_as_sent(self, ids: List[Tuple[str, str]]) -> None:
        """Removes delivered spans, given as (trace_id, span_id) pairs."""
        self._for_each_span(ids, "DELETE FROM unsent_spans WHERE trace_id = ? AND span_id = ?")

    def record_attempt(self, ids: List[Tuple[str, str]]) -> None:
        self._for_each_span(ids, "UPDATE unsent_spans SET attempts = attempts + 1 WHERE trace_id = ? AND span_id = ?")

    def _for_each_span(self, ids: List[Tuple[str, str]], sql: str) -> None:
        """Runs ``sql`` once per (trace_id, span_id) pair; a store with no file yet has nothing to change."""
        if not ids:
            return
        with self._lock:
            conn = self._connect(create=False)
            if conn is not None:
                conn.executemany(sql, ids)

    def delete_sent(self) -> None:
        with self._lock:
            conn = self._connect(create=False)
            if conn is not None:
                conn.execute("DELETE FROM unsent_spans WHERE sent = 1")

    def count(self) -> int:
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return 0
            (n,) = conn.execute("SELECT COUNT(*) FROM unsent_spans WHERE sent = 0").fetchone()
            return int(n)

    def export_to_json(self, path: str) -> int:
        """Writes every unsent span to a JSON file (for debugging); returns the count."""
        spans = self.get_unsent_spans(limit=self.max_spans)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(spans, fh, indent=2)
        return len(spans)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                try:
                    self._conn.close()
                except sqlite3.Error:
                    pass
            self._conn = None
