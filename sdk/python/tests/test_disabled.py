import asyncio
import os
import subprocess
import sys
import textwrap
import unittest

import agentstack
from agentstack import exporter, get_current_span, get_tracer, observe, record_llm_usage
from tests.helpers import InMemoryTransport, env_without_agentstack, setup_sdk, teardown_sdk


class DisabledTest(unittest.TestCase):
    def setUp(self):
        self.transport = InMemoryTransport()
        setup_sdk(self.transport, enabled=False)
        self.addCleanup(teardown_sdk)

    def test_everything_is_a_no_op(self):
        @observe(name="f")
        def f(x):
            record_llm_usage(model="gpt-4o", provider="openai", input_tokens=1, output_tokens=1)
            return get_current_span()

        @observe
        async def g():
            return 7

        @observe
        def gen():
            yield 1
            yield 2

        span = f(1)
        self.assertFalse(span.is_recording())
        self.assertEqual(asyncio.run(g()), 7)
        self.assertEqual(list(gen()), [1, 2])
        with get_tracer().start_span("manual") as s:
            s.set_attribute("a", 1)
            self.assertFalse(s.is_recording())
        headers = {}
        agentstack.inject(headers)
        self.assertEqual(headers, {})
        self.assertTrue(agentstack.flush(1))
        self.assertEqual(self.transport.spans, [])
        self.assertIsNone(exporter.get_processor()._thread, "disabled mode must not start a thread")

    def test_async_generator_protocol_unchanged(self):
        @observe
        async def echo():
            got = None
            while True:
                got = yield got

        async def run():
            g = echo()
            await g.asend(None)
            out = await g.asend("x")
            await g.aclose()
            return out

        self.assertEqual(asyncio.run(run()), "x")

    def test_exceptions_still_propagate(self):
        @observe
        def f():
            raise KeyError("k")

        with self.assertRaises(KeyError):
            f()


class DisabledFromEnvironmentTest(unittest.TestCase):
    def test_env_switch_in_fresh_interpreter(self):
        src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
        code = textwrap.dedent("""
            import threading, agentstack
            @agentstack.observe
            def f():
                return agentstack.get_current_span().is_recording()
            assert f() is False
            assert agentstack.get_config().enabled is False
            names = [t.name for t in threading.enumerate()]
            assert "agentstack-exporter" not in names, names
            print("ok")
        """)
        env = env_without_agentstack()
        env.update({"AGENTSTACK_ENABLED": "false", "PYTHONPATH": src})
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "ok")


if __name__ == "__main__":
    unittest.main()
