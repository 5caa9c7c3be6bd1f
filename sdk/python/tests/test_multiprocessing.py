import multiprocessing
import sys
import unittest
import warnings

from agentstack import get_tracer
from tests.helpers import FakeCollector, setup_sdk, teardown_sdk


def _child_work(n):
    for i in range(n):
        get_tracer().start_span("mp-child-%d" % i).end()
    # No flush: the process ends through multiprocessing's os._exit().


@unittest.skipUnless(sys.platform.startswith("linux"), "the fork start method needs Linux")
class MultiprocessingForkTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeCollector()
        self.addCleanup(self.server.stop)
        self.addCleanup(teardown_sdk)

    def test_forked_worker_flushes_before_exit(self):
        setup_sdk(collector_url=self.server.url)
        get_tracer().start_span("parent").end()
        ctx = multiprocessing.get_context("fork")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            proc = ctx.Process(target=_child_work, args=(3,))
            proc.start()
        proc.join(30)
        self.assertEqual(proc.exitcode, 0)
        names = sorted(s["name"] for s in self.server.spans())
        self.assertEqual(names, ["mp-child-0", "mp-child-1", "mp-child-2"])


if __name__ == "__main__":
    unittest.main()
