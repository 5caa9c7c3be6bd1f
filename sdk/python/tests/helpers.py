"""Test helpers: a fake collector on 127.0.0.1, an in-memory transport, SDK resets."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple

import agentstack
from agentstack import config as config_mod
from agentstack import exporter as exporter_mod
from agentstack._internal.transport import TransportResult


class InMemoryTransport:
    """Keeps every span dict it is given; answers like a healthy collector."""

    def __init__(self) -> None:
        self.spans: List[Dict[str, Any]] = []
        self.calls = 0
        self.lock = threading.Lock()

    def send(self, spans: List[Dict[str, Any]], deadline: Optional[float] = None) -> TransportResult:
        with self.lock:
            self.calls += 1
            self.spans.extend(spans)
        return TransportResult(True, 202, accepted=len(spans))

    def by_name(self, name: str) -> Dict[str, Any]:
        matches = [s for s in self.spans if s["name"] == name]
        if len(matches) != 1:
            raise AssertionError("expected one span named %r, got %d: %r" % (
                name, len(matches), [s["name"] for s in self.spans]))
        return matches[0]


def setup_sdk(transport: Any = None, **options: Any) -> agentstack.AgentStackConfig:
    """Fresh SDK state with test-friendly defaults (no timer exports, no offline file)."""
    exporter_mod.reset_for_tests()
    defaults: Dict[str, Any] = dict(
        api_key="ak_test",
        service_name="unit-tests",
        export_interval_ms=600000,
        offline_enabled=False,
        max_retries=2,
        retry_backoff_ms=1,
        retry_max_backoff_ms=50,
        request_timeout_ms=2000,
        offline_retry_interval_ms=600000,
    )
    defaults.update(options)
    cfg = config_mod.AgentStackConfig().replace(**defaults)
    config_mod.set_config(cfg)
    exporter_mod.replace_processor(cfg, transport)
    return cfg


def teardown_sdk() -> None:
    exporter_mod.reset_for_tests()
    config_mod.reset_config()


class SDKTestCase(unittest.TestCase):
    """Gives each test an in-memory transport and a clean SDK."""

    def setUp(self) -> None:
        self.transport = InMemoryTransport()
        setup_sdk(self.transport)

    def tearDown(self) -> None:
        teardown_sdk()

    def flushed(self) -> List[Dict[str, Any]]:
        self.assertTrue(agentstack.flush(5))
        return self.transport.spans


class FakeCollector:
    """A real HTTP server on 127.0.0.1 that speaks the collector's /v1/traces protocol.

    ``script`` is a list of (status, headers) answers used in order; once it
    runs out every request gets 202.
    """

    def __init__(self, port: int = 0) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.script: List[Tuple[int, Dict[str, str]]] = []
        self.delay_s = 0.0
        # Called with each accepted request's spans (e.g. to store them like the real collector).
        self.on_spans: Optional[Any] = None
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
                record = {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "raw": raw,
                    "json": json.loads(body.decode("utf-8")),
                }
                with outer.lock:
                    outer.requests.append(record)
                    status, headers = outer.script.pop(0) if outer.script else (202, {})
                if outer.delay_s:
                    threading.Event().wait(outer.delay_s)
                if status == 202:
                    n = len(record["json"].get("spans", []))
                    if outer.on_spans is not None:
                        outer.on_spans(record["json"].get("spans", []), record["headers"])
                    payload = json.dumps({"status": "accepted", "spans_queued": n, "rejected": []}).encode()
                else:
                    payload = json.dumps({"error": "status %d" % status}).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def spans(self) -> List[Dict[str, Any]]:
        with self.lock:
            return [s for r in self.requests for s in r["json"].get("spans", [])]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def free_port() -> int:
    """A loopback port with nothing listening (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempDirMixin:
    def make_tempdir(self) -> str:
        path = tempfile.mkdtemp(prefix="agentstack-test-")
        self.addCleanup(shutil.rmtree, path, True)  # type: ignore[attr-defined]
        return path


def env_without_agentstack() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AGENTSTACK_")}
