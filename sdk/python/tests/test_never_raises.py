import asyncio
import unittest
from unittest import mock

import agentstack
from agentstack import exporter, get_current_span, get_tracer, observe, tracer
from tests.helpers import InMemoryTransport, setup_sdk, teardown_sdk


class BrokenTransport:
    def __init__(self):
        self.calls = 0

    def send(self, spans, deadline=None):
        self.calls += 1
        raise RuntimeError("transport exploded")


class NeverRaisesTest(unittest.TestCase):
    def setUp(self):
        self.addCleanup(teardown_sdk)

    def test_broken_transport(self):
        broken = BrokenTransport()
        setup_sdk(broken)

        @observe
        def work():
            return 42

        with self.assertLogs("agentstack", "DEBUG"):
            self.assertEqual(work(), 42)
            self.assertFalse(agentstack.flush(2))
        self.assertEqual(broken.calls, 1)
        self.assertEqual(agentstack.stats()["failed"], 1)  # offline store is off in tests

    def test_broken_span_start_still_runs_user_code(self):
        setup_sdk(InMemoryTransport())
        with mock.patch.object(tracer, "_start", side_effect=RuntimeError("sdk bug")), \
                mock.patch("agentstack.decorator._start", side_effect=RuntimeError("sdk bug")):
            @observe
            def f(x):
                return x + 1

            @observe
            async def g():
                return "async"

            @observe
            def gen():
                yield "gen"

            with self.assertLogs("agentstack", "DEBUG"):
                self.assertEqual(f(1), 2)
                self.assertEqual(asyncio.run(g()), "async")
                self.assertEqual(list(gen()), ["gen"])
                with get_tracer().start_span("x") as span:
                    self.assertFalse(span.is_recording())

    def test_broken_processor_does_not_reach_user(self):
        setup_sdk(InMemoryTransport())
        with mock.patch.object(exporter.BatchSpanProcessor, "on_end", side_effect=RuntimeError("queue bug")):
            @observe
            def f():
                return "fine"

            with self.assertLogs("agentstack", "DEBUG"):
                self.assertEqual(f(), "fine")

    def test_user_exception_unchanged_when_sdk_also_fails(self):
        setup_sdk(InMemoryTransport())
        err = ValueError("user")
        with mock.patch.object(exporter.BatchSpanProcessor, "on_end", side_effect=RuntimeError("queue bug")):
            @observe
            def f():
                raise err

            with self.assertLogs("agentstack", "DEBUG"), self.assertRaises(ValueError) as caught:
                f()
        self.assertIs(caught.exception, err)

    def test_odd_inputs(self):
        t = InMemoryTransport()
        setup_sdk(t)

        class Weird:
            def __str__(self):
                return "weird"

            def __repr__(self):
                raise RuntimeError("no repr")

        with get_tracer().start_span("odd") as span:
            span.set_attribute("obj", Weird())
            span.set_attribute("none", None)
            span.set_attribute("nan", float("nan"))
            span.set_attribute("floats", [1.5, float("inf")])
            span.set_attribute(7, "int key")
            span.add_event("e", {"x": Weird()})
            span.set_status("nonsense")
            span.record_exception(ValueError("handled"), set_error=False)
        agentstack.inject(None)
        agentstack.inject("not a dict")
        self.assertIsNone(agentstack.extract(object()))
        agentstack.record_llm_usage(input_tokens="many")
        self.assertTrue(agentstack.flush(5))
        (d,) = t.spans
        self.assertEqual(d["attributes"]["obj"], '"weird"')
        self.assertNotIn("none", d["attributes"])
        self.assertEqual(d["attributes"]["nan"], "nan")
        self.assertEqual(d["attributes"]["floats"], [1.5, "inf"])
        self.assertEqual(d["attributes"]["7"], "int key")
        self.assertEqual(d["status"], "OK")
        self.assertEqual([e["name"] for e in d["events"]], ["e", "exception"])

    def test_get_current_span_never_none(self):
        setup_sdk(InMemoryTransport())
        self.assertIsNotNone(get_current_span())
        get_current_span().set_attribute("a", 1)


if __name__ == "__main__":
    unittest.main()
