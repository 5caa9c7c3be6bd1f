import gzip
import json
import time
import unittest

import agentstack
from agentstack import get_tracer
from agentstack._internal.transport import HttpTransport, parse_retry_after
from tests.helpers import FakeCollector, free_port, setup_sdk, teardown_sdk


def sample_spans(n=2):
    return [
        {"trace_id": "%032x" % (i + 1), "span_id": "%016x" % (i + 1), "parent_span_id": None, "name": "s%d" % i,
         "start_time": 1, "end_time": 2, "status": "OK", "service_name": "t", "attributes": {}, "events": []}
        for i in range(n)
    ]


class TransportTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeCollector()
        self.addCleanup(self.server.stop)
        self.sleeps = []

    def transport(self, url=None, **kw):
        opts = dict(api_key="ak_secret", timeout_s=2, max_retries=3, backoff_s=0.01, max_backoff_s=0.2,
                    sleep=self._sleep)
        opts.update(kw)
        return HttpTransport((url or self.server.url) + "/v1/traces", **opts)

    def _sleep(self, seconds):
        self.sleeps.append(seconds)
        time.sleep(min(seconds, 0.01))

    def test_gzip_json_body_and_headers(self):
        result = self.transport().send(sample_spans(3))
        self.assertTrue(result.success)
        self.assertEqual(result.status_code, 202)
        self.assertEqual(result.accepted, 3)
        (req,) = self.server.requests
        self.assertEqual(req["path"], "/v1/traces")
        self.assertEqual(req["headers"]["content-encoding"], "gzip")
        self.assertEqual(req["headers"]["content-type"], "application/json")
        self.assertEqual(req["headers"]["x-api-key"], "ak_secret")
        self.assertEqual(json.loads(gzip.decompress(req["raw"])), {"spans": sample_spans(3)})

    def test_retries_transient_statuses_then_succeeds(self):
        for status in (429, 500, 502, 503, 504):
            with self.subTest(status=status):
                self.server.requests.clear()
                self.server.script = [(status, {}), (status, {})]
                result = self.transport().send(sample_spans())
                self.assertTrue(result.success)
                self.assertEqual(result.retries_used, 2)
                self.assertEqual(len(self.server.requests), 3)

    def test_never_retries_other_client_errors(self):
        for status in (400, 401, 403, 404, 413, 422):
            with self.subTest(status=status):
                self.server.requests.clear()
                self.server.script = [(status, {})]
                result = self.transport().send(sample_spans())
                self.assertFalse(result.success)
                self.assertFalse(result.retryable)
                self.assertEqual(result.status_code, status)
                self.assertEqual(len(self.server.requests), 1)

    def test_retries_are_bounded(self):
        self.server.script = [(503, {})] * 10
        result = self.transport(max_retries=2).send(sample_spans())
        self.assertFalse(result.success)
        self.assertTrue(result.retryable)
        self.assertEqual(len(self.server.requests), 3)
        self.assertEqual(len(self.sleeps), 2)

    def test_backoff_grows_and_is_capped(self):
        self.server.script = [(500, {})] * 10
        self.transport(max_retries=6, backoff_s=0.02, max_backoff_s=0.1).send(sample_spans())
        self.assertEqual(len(self.sleeps), 6)
        self.assertTrue(all(0.01 <= s <= 0.1 for s in self.sleeps), self.sleeps)
        self.assertLessEqual(self.sleeps[0], 0.02)
        self.assertGreaterEqual(self.sleeps[-1], 0.05)

    def test_honours_retry_after_within_cap(self):
        self.server.script = [(429, {"Retry-After": "0.15"})]
        result = self.transport(backoff_s=0.001, max_backoff_s=1.0).send(sample_spans())
        self.assertTrue(result.success)
        self.assertEqual(len(self.sleeps), 1)
        self.assertAlmostEqual(self.sleeps[0], 0.15, delta=1e-6)
        self.server.requests.clear()
        self.sleeps.clear()
        self.server.script = [(503, {"Retry-After": "3600"})]
        self.transport(backoff_s=0.001, max_backoff_s=0.05).send(sample_spans())
        self.assertEqual(self.sleeps, [0.05])

    def test_connection_errors_are_retried_and_bounded(self):
        url = "http://127.0.0.1:%d" % free_port()
        started = time.monotonic()
        result = self.transport(url=url, max_retries=2).send(sample_spans())
        self.assertFalse(result.success)
        self.assertTrue(result.retryable)
        self.assertEqual(result.retries_used, 2)
        self.assertIn("connection error", result.error)
        self.assertLess(time.monotonic() - started, 5)

    def test_deadline_stops_retrying(self):
        self.server.script = [(503, {})] * 100
        t = self.transport(max_retries=100, backoff_s=0.05, max_backoff_s=0.05, sleep=time.sleep)
        started = time.monotonic()
        result = t.send(sample_spans(), deadline=time.monotonic() + 0.3)
        elapsed = time.monotonic() - started
        self.assertFalse(result.success)
        self.assertLess(elapsed, 1.0)
        self.assertLess(len(self.server.requests), 100)

    def test_local_collector_bypasses_proxy_settings(self):
        from unittest import mock

        with mock.patch.dict("os.environ", {"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}):
            result = self.transport(max_retries=0).send(sample_spans(1))
        self.assertTrue(result.success, result.error)

    def test_parse_retry_after(self):
        self.assertEqual(parse_retry_after("7"), 7.0)
        self.assertIsNone(parse_retry_after("soon"))
        self.assertIsNone(parse_retry_after(None))
        past = parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT")
        self.assertEqual(past, 0.0)


class ExporterOverHttpTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeCollector()
        self.addCleanup(self.server.stop)
        self.addCleanup(teardown_sdk)

    def test_wire_format_matches_collector(self):
        setup_sdk(collector_url=self.server.url, service_name="svc")
        tracer = get_tracer()
        with tracer.start_span("agent", kind="server") as root:
            root.set_attributes({"s": "x", "i": 1, "f": 1.5, "b": True, "l": ["a", "b"], "obj": {"k": 1}})
            with tracer.start_span("tool") as child:
                child.add_event("note", {"k": "v"})
        self.assertTrue(agentstack.flush(5))
        spans = self.server.spans()
        self.assertEqual(len(spans), 2)
        by = {s["name"]: s for s in spans}
        agent, tool = by["agent"], by["tool"]
        self.assertEqual(set(agent), {"trace_id", "span_id", "parent_span_id", "name", "kind", "start_time",
                                      "end_time", "status", "service_name", "attributes", "events"})
        self.assertIsNone(agent["parent_span_id"])
        self.assertEqual(agent["kind"], "server")
        self.assertEqual(agent["service_name"], "svc")
        self.assertEqual(agent["attributes"], {"s": "x", "i": 1, "f": 1.5, "b": True, "l": ["a", "b"],
                                               "obj": '{"k": 1}'})
        self.assertEqual(tool["parent_span_id"], agent["span_id"])
        self.assertEqual(tool["events"][0]["name"], "note")
        self.assertEqual(tool["events"][0]["attributes"], {"k": "v"})
        self.assertIsInstance(tool["events"][0]["timestamp"], int)
        self.assertGreater(agent["start_time"], 1_600_000_000 * 10**9)
        self.assertEqual(agentstack.stats()["exported"], 2)

    def test_batch_size_triggers_background_export(self):
        setup_sdk(collector_url=self.server.url, batch_size=5)
        tracer = get_tracer()
        for i in range(5):
            tracer.start_span("bg-%d" % i).end()
        deadline = time.monotonic() + 5
        while len(self.server.spans()) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(len(self.server.spans()), 5)

    def test_interval_triggers_background_export(self):
        setup_sdk(collector_url=self.server.url, export_interval_ms=50)
        get_tracer().start_span("timer").end()
        deadline = time.monotonic() + 5
        while not self.server.spans() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual([s["name"] for s in self.server.spans()], ["timer"])

    def test_large_batches_are_split(self):
        setup_sdk(collector_url=self.server.url, max_export_batch_size=10)
        for i in range(25):
            get_tracer().start_span("s%d" % i).end()
        self.assertTrue(agentstack.flush(5))
        self.assertEqual([len(r["json"]["spans"]) for r in self.server.requests], [10, 10, 5])

    def test_413_halves_the_batch(self):
        setup_sdk(collector_url=self.server.url)
        self.server.script = [(413, {})]
        for i in range(4):
            get_tracer().start_span("s%d" % i).end()
        self.assertTrue(agentstack.flush(5))
        self.assertEqual([len(r["json"]["spans"]) for r in self.server.requests], [4, 2, 2])
        self.assertEqual(len({s["span_id"] for s in self.server.spans()}), 4)

    def test_bad_request_is_dropped_and_counted(self):
        setup_sdk(collector_url=self.server.url)
        self.server.script = [(400, {})]
        get_tracer().start_span("refused").end()
        self.assertFalse(agentstack.flush(5))
        self.assertEqual(len(self.server.requests), 1)
        self.assertEqual(agentstack.stats()["failed"], 1)

    def test_shutdown_is_bounded_by_timeout(self):
        setup_sdk(collector_url=self.server.url, request_timeout_ms=5000)
        self.server.delay_s = 2.0
        get_tracer().start_span("slow").end()
        started = time.monotonic()
        agentstack.shutdown(timeout=0.3)
        self.assertLess(time.monotonic() - started, 1.5)


if __name__ == "__main__":
    unittest.main()
