import asyncio
import contextvars
import threading
import unittest

from agentstack import get_current_span, get_tracer, observe
from tests.helpers import SDKTestCase


class NestingTest(SDKTestCase):
    def test_nested_context_managers_link_parents(self):
        tracer = get_tracer()
        with tracer.start_span("root") as root:
            self.assertIs(get_current_span(), root)
            with tracer.start_span("child") as child:
                self.assertIs(get_current_span(), child)
                with tracer.start_span("grandchild"):
                    pass
            self.assertIs(get_current_span(), root)
        self.assertFalse(get_current_span().is_recording())
        spans = self.flushed()
        root_d = self.transport.by_name("root")
        child_d = self.transport.by_name("child")
        grand_d = self.transport.by_name("grandchild")
        self.assertEqual(len(spans), 3)
        self.assertIsNone(root_d["parent_span_id"])
        self.assertEqual(child_d["parent_span_id"], root_d["span_id"])
        self.assertEqual(grand_d["parent_span_id"], child_d["span_id"])
        self.assertEqual({s["trace_id"] for s in spans}, {root_d["trace_id"]})

    def test_start_trace_ignores_current_span(self):
        tracer = get_tracer()
        with tracer.start_span("outer") as outer:
            with tracer.start_trace("fresh") as fresh:
                self.assertNotEqual(fresh.trace_id, outer.trace_id)
                self.assertIsNone(fresh.parent_span_id)
                with tracer.start_span("inside"):
                    pass
        self.flushed()
        self.assertEqual(self.transport.by_name("inside")["parent_span_id"], self.transport.by_name("fresh")["span_id"])

    def test_start_span_without_with_is_not_current(self):
        span = get_tracer().start_span("manual")
        self.assertFalse(get_current_span().is_recording())
        child = get_tracer().start_span("other", parent=span)
        child.end()
        span.end()
        span.end()  # a second end is ignored
        self.flushed()
        self.assertEqual(len(self.transport.spans), 2)
        self.assertEqual(self.transport.by_name("other")["parent_span_id"], span.span_id)

    def test_no_current_span_is_non_recording(self):
        span = get_current_span()
        self.assertFalse(span.is_recording())
        span.set_attribute("x", 1)  # accepted and ignored
        span.end()
        self.assertEqual(self.flushed(), [])


class ThreadTest(SDKTestCase):
    def test_threads_have_their_own_current_span(self):
        tracer = get_tracer()
        seen = {}
        barrier = threading.Barrier(2)

        def worker(label):
            with tracer.start_span("thread-" + label) as span:
                barrier.wait(5)  # both spans are open at the same time
                seen[label] = get_current_span() is span
                with tracer.start_span("child-" + label):
                    pass

        with tracer.start_span("main"):
            threads = [threading.Thread(target=worker, args=(n,)) for n in "ab"]
            for t in threads:
                t.start()
            for t in threads:
                t.join(5)
        self.assertEqual(seen, {"a": True, "b": True})
        self.flushed()
        for label in "ab":
            parent = self.transport.by_name("thread-" + label)
            child = self.transport.by_name("child-" + label)
            self.assertEqual(child["parent_span_id"], parent["span_id"])
            # A plain new thread starts with an empty context: its span is a root.
            self.assertIsNone(parent["parent_span_id"])

    def test_copied_context_carries_parent_into_thread(self):
        tracer = get_tracer()
        with tracer.start_span("main") as main:
            ctx = contextvars.copy_context()
            t = threading.Thread(target=ctx.run, args=(lambda: tracer.start_span("in-thread").end(),))
            t.start()
            t.join(5)
        self.flushed()
        self.assertEqual(self.transport.by_name("in-thread")["parent_span_id"], main.span_id)


class AsyncTest(SDKTestCase):
    def test_concurrent_tasks_do_not_mix_parents(self):
        @observe(name="step")
        async def step(label, delay):
            await asyncio.sleep(delay)
            get_current_span().set_attribute("label", label)
            return label

        @observe(name="task")
        async def task(label, delays):
            get_current_span().set_attribute("label", label)
            for d in delays:
                await step(label, d)

        async def main():
            # Interleaved sleeps force the two tasks to switch back and forth.
            await asyncio.gather(task("a", [0.003, 0.001, 0.004]), task("b", [0.001, 0.004, 0.001]))

        asyncio.run(main())
        self.flushed()
        tasks = {s["attributes"]["label"]: s for s in self.transport.spans if s["name"] == "task"}
        steps = [s for s in self.transport.spans if s["name"] == "step"]
        self.assertEqual(len(steps), 6)
        for s in steps:
            parent = tasks[s["attributes"]["label"]]
            self.assertEqual(s["parent_span_id"], parent["span_id"])
            self.assertEqual(s["trace_id"], parent["trace_id"])
        self.assertNotEqual(tasks["a"]["trace_id"], tasks["b"]["trace_id"])

    def test_task_created_inside_span_inherits_it(self):
        tracer = get_tracer()

        async def child():
            tracer.start_span("from-task").end()

        async def main():
            with tracer.start_span("parent") as parent:
                await asyncio.create_task(child())
            return parent

        parent = asyncio.run(main())
        self.flushed()
        self.assertEqual(self.transport.by_name("from-task")["parent_span_id"], parent.span_id)


if __name__ == "__main__":
    unittest.main()
