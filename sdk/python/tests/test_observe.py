import asyncio
import re
import time
import unittest

from agentstack import get_current_span, get_tracer, observe
from tests.helpers import SDKTestCase


class Boom(Exception):
    pass


class SyncTest(SDKTestCase):
    def test_bare_decorator_names_span_after_function(self):
        @observe
        def add(a, b):
            return a + b

        self.assertEqual(add(2, 3), 5)
        self.assertEqual(add.__name__, "add")
        (span,) = self.flushed()
        self.assertTrue(span["name"].endswith("add"))
        self.assertEqual(span["status"], "OK")
        self.assertEqual(span["service_name"], "unit-tests")
        self.assertGreaterEqual(span["end_time"], span["start_time"])

    def test_name_attributes_and_kind(self):
        @observe(name="llm.chat", attributes={"llm.model": "gpt-4", "n": 3}, kind="client")
        def chat():
            return "hi"

        @observe("tool.search")
        def search():
            return 1

        chat()
        search()
        self.flushed()
        s = self.transport.by_name("llm.chat")
        self.assertEqual(s["attributes"], {"llm.model": "gpt-4", "n": 3})
        self.assertEqual(s["kind"], "client")
        self.assertNotIn("kind", self.transport.by_name("tool.search"))

    def test_exception_propagates_unchanged_and_is_recorded(self):
        err = Boom("it broke")

        @observe(name="fails")
        def fails():
            raise err

        with self.assertRaises(Boom) as caught:
            fails()
        self.assertIs(caught.exception, err)
        (span,) = self.flushed()
        self.assertEqual(span["status"], "ERROR")
        self.assertIn("it broke", span["status_message"])
        (event,) = span["events"]
        self.assertEqual(event["name"], "exception")
        self.assertEqual(event["attributes"]["exception.type"], "tests.test_observe.Boom")
        self.assertEqual(event["attributes"]["exception.message"], "it broke")
        self.assertIn("raise err", event["attributes"]["exception.stacktrace"])
        self.assertIsInstance(event["timestamp"], int)

    def test_nested_calls_link(self):
        @observe(name="inner")
        def inner():
            return get_current_span().span_id

        @observe(name="outer")
        def outer():
            return inner()

        inner_id = outer()
        self.flushed()
        self.assertEqual(self.transport.by_name("inner")["span_id"], inner_id)
        self.assertEqual(self.transport.by_name("inner")["parent_span_id"], self.transport.by_name("outer")["span_id"])


class AsyncFnTest(SDKTestCase):
    def test_async_function(self):
        @observe(name="aio")
        async def aio(x):
            await asyncio.sleep(0.01)
            return x * 2

        self.assertEqual(asyncio.run(aio(4)), 8)
        (span,) = self.flushed()
        self.assertEqual(span["name"], "aio")
        self.assertGreaterEqual(span["end_time"] - span["start_time"], 9_000_000)

    def test_async_exception(self):
        @observe(name="aio.fail")
        async def fail():
            await asyncio.sleep(0)
            raise Boom("async")

        with self.assertRaises(Boom):
            asyncio.run(fail())
        (span,) = self.flushed()
        self.assertEqual(span["status"], "ERROR")
        self.assertEqual(span["events"][0]["attributes"]["exception.message"], "async")


class GeneratorTest(SDKTestCase):
    def test_span_covers_iteration_and_children(self):
        @observe(name="child")
        def child(i):
            return i

        @observe(name="gen")
        def gen(n):
            for i in range(n):
                yield child(i)
            return "done"

        g = gen(3)
        started = time.time_ns()
        out = []
        for item in g:
            time.sleep(0.005)
            self.assertFalse(get_current_span().is_recording(), "the generator span leaks into the consumer")
            out.append(item)
        self.assertEqual(out, [0, 1, 2])
        self.flushed()
        span = self.transport.by_name("gen")
        self.assertGreaterEqual(span["end_time"] - started, 15_000_000)
        children = [s for s in self.transport.spans if s["name"] == "child"]
        self.assertEqual(len(children), 3)
        self.assertTrue(all(c["parent_span_id"] == span["span_id"] for c in children))

    def test_return_value_send_and_throw(self):
        @observe(name="echo")
        def echo():
            received = []
            try:
                while True:
                    value = yield len(received)
                    received.append(value)
            except Boom:
                yield "caught"
            return received

        g = echo()
        self.assertEqual(next(g), 0)
        self.assertEqual(g.send("a"), 1)
        self.assertEqual(g.throw(Boom()), "caught")
        with self.assertRaises(StopIteration) as stop:
            next(g)
        self.assertEqual(stop.exception.value, ["a"])
        (span,) = self.flushed()
        self.assertEqual(span["status"], "OK")

    def test_error_inside_generator(self):
        @observe(name="bad.gen")
        def bad():
            yield 1
            raise Boom("mid-stream")

        g = bad()
        self.assertEqual(next(g), 1)
        with self.assertRaises(Boom):
            next(g)
        (span,) = self.flushed()
        self.assertEqual(span["status"], "ERROR")

    def test_closing_early_ends_span(self):
        finalized = []

        @observe(name="early")
        def early():
            try:
                yield 1
                yield 2
            finally:
                finalized.append(True)

        g = early()
        next(g)
        g.close()
        self.assertEqual(finalized, [True])
        (span,) = self.flushed()
        self.assertEqual(span["status"], "OK")


class AsyncGeneratorTest(SDKTestCase):
    def test_async_generator_covers_iteration(self):
        @observe(name="child")
        async def child(i):
            return i

        @observe(name="agen")
        async def agen(n):
            for i in range(n):
                await asyncio.sleep(0.002)
                yield await child(i)

        async def consume():
            out = []
            async for item in agen(3):
                out.append(item)
                await asyncio.sleep(0.003)
            return out

        self.assertEqual(asyncio.run(consume()), [0, 1, 2])
        self.flushed()
        span = self.transport.by_name("agen")
        self.assertGreaterEqual(span["end_time"] - span["start_time"], 12_000_000)
        children = [s for s in self.transport.spans if s["name"] == "child"]
        self.assertEqual([c["parent_span_id"] for c in children], [span["span_id"]] * 3)

    def test_async_generator_asend_athrow_and_error(self):
        @observe(name="agen.echo")
        async def echo():
            got = None
            while True:
                try:
                    got = yield got
                except Boom:
                    raise ValueError("converted")

        async def run():
            g = echo()
            self.assertIsNone(await g.asend(None))
            self.assertEqual(await g.asend("x"), "x")
            with self.assertRaises(ValueError):
                await g.athrow(Boom())

        asyncio.run(run())
        (span,) = self.flushed()
        self.assertEqual(span["status"], "ERROR")
        self.assertEqual(span["events"][0]["attributes"]["exception.type"], "ValueError")

    def test_async_generator_aclose(self):
        @observe(name="agen.close")
        async def gen():
            yield 1
            yield 2

        async def run():
            g = gen()
            await g.__anext__()
            await g.aclose()

        asyncio.run(run())
        (span,) = self.flushed()
        self.assertEqual(span["name"], "agen.close")


class MethodTest(SDKTestCase):
    def test_methods_classmethods_staticmethods(self):
        class Agent:
            factor = 10

            def __init__(self):
                self.calls = 0

            @observe
            def run(self, x):
                self.calls += 1
                return x * self.factor

            @observe(name="agent.cm_outer")
            @classmethod
            def cm_outer(cls, x):
                return x + cls.factor

            @classmethod
            @observe(name="agent.cm_inner")
            def cm_inner(cls, x):
                return x - cls.factor

            @observe(name="agent.sm_outer")
            @staticmethod
            def sm_outer(x):
                return -x

            @staticmethod
            @observe(name="agent.sm_inner")
            def sm_inner(x):
                return x * x

            @observe(name="agent.arun")
            async def arun(self):
                return self.factor

        a = Agent()
        self.assertEqual(a.run(2), 20)
        self.assertEqual(a.calls, 1)
        self.assertEqual(Agent.cm_outer(1), 11)
        self.assertEqual(a.cm_inner(11), 1)
        self.assertEqual(Agent.sm_outer(3), -3)
        self.assertEqual(a.sm_inner(3), 9)
        self.assertEqual(asyncio.run(a.arun()), 10)
        self.flushed()
        names = sorted(s["name"] for s in self.transport.spans)
        self.assertEqual(names, sorted([
            "MethodTest.test_methods_classmethods_staticmethods.<locals>.Agent.run",
            "agent.cm_outer", "agent.cm_inner", "agent.sm_outer", "agent.sm_inner", "agent.arun"]))


class IdFormatTest(SDKTestCase):
    def test_ids_are_w3c_hex(self):
        tracer = get_tracer()
        for _ in range(200):
            tracer.start_span("x").end()
        spans = self.flushed()
        self.assertEqual(len(spans), 200)
        for s in spans:
            self.assertRegex(s["trace_id"], re.compile(r"^[0-9a-f]{32}$"))
            self.assertRegex(s["span_id"], re.compile(r"^[0-9a-f]{16}$"))
            self.assertNotEqual(int(s["trace_id"], 16), 0)
            self.assertNotEqual(int(s["span_id"], 16), 0)
        self.assertEqual(len({s["span_id"] for s in spans}), 200)


if __name__ == "__main__":
    unittest.main()
