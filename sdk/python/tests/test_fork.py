import json
import os
import sys
import unittest
import warnings

import agentstack
from agentstack import exporter, get_tracer
from tests.helpers import FakeCollector, setup_sdk, teardown_sdk


def _fork():
    # The fake collector's threads make Python 3.12+ warn about fork; the
    # SDK's own state is what these tests check, so the warning is expected.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


@unittest.skipUnless(hasattr(os, "fork") and sys.platform.startswith("linux"), "needs os.fork on Linux")
class ForkTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeCollector()
        self.addCleanup(self.server.stop)
        self.addCleanup(teardown_sdk)

    def test_child_gets_fresh_exporter_and_exports_its_own_spans(self):
        setup_sdk(collector_url=self.server.url, batch_size=10**6)
        parent_proc = exporter.get_processor()
        # Started the worker thread and left spans in the parent's buffer.
        get_tracer().start_span("parent-pending").end()
        self.assertEqual(len(parent_proc.buffer), 1)
        with get_tracer().start_span("parent-open") as open_span:
            read_fd, write_fd = os.pipe()
            pid = _fork()
            if pid == 0:  # child
                code = 1
                try:
                    os.close(read_fd)
                    child_proc = exporter.get_processor()
                    report = {
                        "fresh": child_proc is not parent_proc,
                        "empty": len(child_proc.buffer) == 0,
                        "pid": child_proc.pid == os.getpid(),
                    }
                    # A span started in the child still links to the span open at fork time.
                    with get_tracer().start_span("child-span") as s:
                        s.set_attribute("pid", os.getpid())
                    report["flushed"] = agentstack.flush(5)
                    report["thread"] = child_proc._thread is not None and child_proc._thread.is_alive()
                    os.write(write_fd, json.dumps(report).encode())
                    code = 0
                finally:
                    os._exit(code)
            os.close(write_fd)
            _, status = os.waitpid(pid, 0)
            data = b""
            while True:
                chunk = os.read(read_fd, 4096)
                if not chunk:
                    break
                data += chunk
            os.close(read_fd)
        self.assertEqual(os.WEXITSTATUS(status), 0)
        report = json.loads(data.decode())
        self.assertEqual(report, {"fresh": True, "empty": True, "pid": True, "flushed": True, "thread": True})
        child_spans = self.server.spans()
        # The child sent its own span only, not the parent's buffered one.
        self.assertEqual([s["name"] for s in child_spans], ["child-span"])
        self.assertEqual(child_spans[0]["parent_span_id"], open_span.span_id)
        self.assertEqual(child_spans[0]["attributes"]["pid"], pid)
        # The parent still owns and sends its spans.
        self.assertTrue(agentstack.flush(5))
        names = sorted(s["name"] for s in self.server.spans())
        self.assertEqual(names, ["child-span", "parent-open", "parent-pending"])

    def test_ids_differ_after_fork(self):
        setup_sdk(collector_url=self.server.url)
        read_fd, write_fd = os.pipe()
        pid = _fork()
        if pid == 0:
            try:
                os.write(write_fd, get_tracer().start_span("c").span_id.encode())
            finally:
                os._exit(0)
        os.close(write_fd)
        os.waitpid(pid, 0)
        child_id = os.read(read_fd, 64).decode()
        os.close(read_fd)
        parent_id = get_tracer().start_span("p").span_id
        self.assertEqual(len(child_id), 16)
        self.assertNotEqual(child_id, parent_id)


if __name__ == "__main__":
    unittest.main()
