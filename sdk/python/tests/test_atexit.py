import os
import subprocess
import sys
import textwrap
import time
import unittest

from tests.helpers import FakeCollector, TempDirMixin, env_without_agentstack, free_port

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

PROGRAM = textwrap.dedent("""
    import agentstack

    @agentstack.observe(name="job")
    def job(i):
        return i

    for i in range(3):
        job(i)
    # No flush: the exit hook must send the spans.
""")


class AtExitTest(TempDirMixin, unittest.TestCase):
    def run_program(self, url, extra_env=None):
        env = env_without_agentstack()
        env.update({"PYTHONPATH": SRC, "AGENTSTACK_COLLECTOR_URL": url, "AGENTSTACK_API_KEY": "ak_exit",
                    "AGENTSTACK_EXPORT_INTERVAL": "600000"})
        env.update(extra_env or {})
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-c", PROGRAM], env=env, cwd=self.make_tempdir(),
                             capture_output=True, text=True, timeout=60)
        return out, time.monotonic() - started

    def test_spans_are_flushed_at_exit(self):
        server = FakeCollector()
        self.addCleanup(server.stop)
        out, _ = self.run_program(server.url)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(sorted(s["name"] for s in server.spans()), ["job", "job", "job"])
        self.assertEqual(server.requests[0]["headers"]["x-api-key"], "ak_exit")

    def test_dead_collector_delays_exit_by_at_most_the_timeout(self):
        out, elapsed = self.run_program(
            "http://127.0.0.1:%d" % free_port(),
            {"AGENTSTACK_SHUTDOWN_TIMEOUT_MS": "500", "AGENTSTACK_RETRY_BACKOFF_MS": "200",
             "AGENTSTACK_MAX_RETRIES": "20", "AGENTSTACK_OFFLINE_ENABLED": "false"})
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stderr, "")
        self.assertLess(elapsed, 4.0)


if __name__ == "__main__":
    unittest.main()
