import os
import sqlite3
import unittest

import agentstack
from agentstack import get_tracer
from agentstack.config import AgentStackConfig
from agentstack.local_store import LocalStore
from tests.helpers import FakeCollector, TempDirMixin, free_port, setup_sdk, teardown_sdk


def span_dict(i):
    return {"trace_id": "%032x" % (i + 1), "span_id": "%016x" % (i + 1), "parent_span_id": None, "name": "s%d" % i,
            "start_time": 1, "end_time": 2, "status": "OK", "service_name": "t", "attributes": {"i": i},
            "events": []}


class LocalStoreTest(TempDirMixin, unittest.TestCase):
    def test_save_read_mark(self):
        store = LocalStore(os.path.join(self.make_tempdir(), "sub", "q.db"))
        self.addCleanup(store.close)
        self.assertEqual(store.get_unsent_spans(), [])
        self.assertEqual(store.save_spans([span_dict(i) for i in range(3)]), 3)
        # Saving the same span again replaces it rather than duplicating it.
        store.save_spans([span_dict(0)])
        self.assertEqual(store.count(), 3)
        got = store.get_unsent_spans(limit=2)
        self.assertEqual(len(got), 2)
        store.mark_as_sent([(s["trace_id"], s["span_id"]) for s in got])
        self.assertEqual(store.count(), 1)

    def test_bounded(self):
        store = LocalStore(os.path.join(self.make_tempdir(), "q.db"), max_spans=5)
        self.addCleanup(store.close)
        store.save_spans([span_dict(i) for i in range(8)])
        self.assertEqual(store.count(), 5)
        names = sorted(s["name"] for s in store.get_unsent_spans(100))
        self.assertEqual(names, ["s3", "s4", "s5", "s6", "s7"])

    def test_export_to_json(self):
        d = self.make_tempdir()
        store = LocalStore(os.path.join(d, "q.db"))
        self.addCleanup(store.close)
        store.save_spans([span_dict(1)])
        self.assertEqual(store.export_to_json(os.path.join(d, "out.json")), 1)
        self.assertTrue(os.path.getsize(os.path.join(d, "out.json")) > 10)


class OfflineFallbackTest(TempDirMixin, unittest.TestCase):
    def setUp(self):
        self.addCleanup(teardown_sdk)
        self.db = os.path.join(self.make_tempdir(), "offline.db")

    def test_server_down_then_up_delivers_once_with_same_ids(self):
        port = free_port()
        setup_sdk(collector_url="http://127.0.0.1:%d" % port, offline_enabled=True, offline_path=self.db,
                  max_retries=1)
        tracer = get_tracer()
        with tracer.start_span("agent") as root:
            with tracer.start_span("tool"):
                pass
        self.assertFalse(agentstack.flush(5))
        st = agentstack.stats()
        self.assertEqual(st["offline_saved"], 2)
        self.assertEqual(st["offline_pending"], 2)
        self.assertEqual(st["exported"], 0)
        rows = sqlite3.connect(self.db).execute("SELECT trace_id FROM unsent_spans").fetchall()
        self.assertEqual({r[0] for r in rows}, {root.trace_id})

        # The collector comes up on the same port.
        server = FakeCollector(port)
        self.addCleanup(server.stop)
        tracer.start_span("later").end()
        self.assertTrue(agentstack.flush(5))
        names = sorted(s["name"] for s in server.spans())
        self.assertEqual(names, ["agent", "later", "tool"])
        ids = {(s["trace_id"], s["span_id"]) for s in server.spans() if s["name"] != "later"}
        self.assertIn((root.trace_id, root.span_id), ids)
        st = agentstack.stats()
        self.assertEqual(st["offline_sent"], 2)
        self.assertEqual(st["offline_pending"], 0)
        # A further flush sends nothing again.
        before = len(server.requests)
        self.assertTrue(agentstack.flush(5))
        self.assertEqual(len(server.requests), before)

    def test_new_process_resends_leftovers(self):
        # Spans left by an earlier run are picked up by a fresh processor.
        store = LocalStore(self.db)
        store.save_spans([span_dict(i) for i in range(3)])
        store.close()
        server = FakeCollector()
        self.addCleanup(server.stop)
        setup_sdk(collector_url=server.url, offline_enabled=True, offline_path=self.db)
        self.assertTrue(agentstack.flush(5))
        self.assertEqual(sorted(s["name"] for s in server.spans()), ["s0", "s1", "s2"])

    def test_unauthorized_is_kept_for_later(self):
        server = FakeCollector()
        self.addCleanup(server.stop)
        server.script = [(401, {})]
        setup_sdk(collector_url=server.url, offline_enabled=True, offline_path=self.db)
        get_tracer().start_span("needs-key").end()
        self.assertFalse(agentstack.flush(5))
        self.assertEqual(agentstack.stats()["offline_pending"], 1)
        self.assertTrue(agentstack.flush(5))
        self.assertEqual([s["name"] for s in server.spans()], ["needs-key", "needs-key"])
        self.assertEqual(agentstack.stats()["offline_pending"], 0)

    def test_shutdown_keeps_unsent_spans(self):
        setup_sdk(collector_url="http://127.0.0.1:%d" % free_port(), offline_enabled=True, offline_path=self.db,
                  max_retries=0)
        for i in range(3):
            get_tracer().start_span("exit-%d" % i).end()
        agentstack.shutdown(timeout=2)
        store = LocalStore(self.db)
        self.addCleanup(store.close)
        self.assertEqual(store.count(), 3)

    def test_disabled_offline_creates_no_file(self):
        setup_sdk(collector_url="http://127.0.0.1:%d" % free_port(), offline_enabled=False, offline_path=self.db,
                  max_retries=0)
        get_tracer().start_span("lost").end()
        self.assertFalse(agentstack.flush(5))
        self.assertFalse(os.path.exists(self.db))
        self.assertEqual(agentstack.stats()["failed"], 1)

    def test_path_and_switch_from_environment(self):
        cfg = AgentStackConfig.from_env({"AGENTSTACK_OFFLINE_PATH": "/tmp/x/spans.db"})
        self.assertEqual(cfg.offline_path, "/tmp/x/spans.db")
        self.assertTrue(cfg.offline_enabled)
        self.assertFalse(AgentStackConfig.from_env({"AGENTSTACK_OFFLINE_ENABLED": "false"}).offline_enabled)
        self.assertFalse(AgentStackConfig.from_env({"AGENTSTACK_OFFLINE_PATH": ""}).offline_enabled)
        self.assertEqual(AgentStackConfig.from_env({}).offline_path, ".agentstack.db")


if __name__ == "__main__":
    unittest.main()
