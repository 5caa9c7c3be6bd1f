"""Runs tests/e2e_agent_run.py against a stand-in collector that stores spans like the real one."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import unittest

from tests.helpers import FakeCollector, TempDirMixin, env_without_agentstack

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e_agent_run.py")

SCHEMA = """CREATE TABLE spans(project_id TEXT, trace_id TEXT, span_id TEXT, parent_span_id TEXT, name TEXT,
 kind INTEGER, start_time_ns INTEGER, end_time_ns INTEGER, duration_ns INTEGER, status_code TEXT,
 status_message TEXT, service_name TEXT, scope_name TEXT, attributes TEXT, events TEXT, resource_attributes TEXT,
 model TEXT, input_tokens INTEGER, output_tokens INTEGER, cost_usd REAL, PRIMARY KEY(project_id, trace_id, span_id))"""


class StoringCollector(FakeCollector):
    def __init__(self, db_path, project_id, cost=None, break_parents=False):
        super().__init__()
        self.db = sqlite3.connect(db_path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)
        self.db_lock = threading.Lock()
        self.project_id = project_id
        self.cost = cost
        self.break_parents = break_parents
        self.keys = []
        self.on_spans = self.store

    def store(self, spans, headers):
        self.keys.append(headers.get("x-api-key"))
        with self.db_lock:
            for s in spans:
                attrs = dict(s["attributes"])
                if self.cost is not None and "gen_ai.request.model" in attrs:
                    attrs["agentstack.cost.total_usd"] = self.cost
                parent = "" if self.break_parents else (s["parent_span_id"] or "")
                self.db.execute(
                    "INSERT OR REPLACE INTO spans(project_id, trace_id, span_id, parent_span_id, name, start_time_ns,"
                    " end_time_ns, status_code, service_name, attributes, events) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (self.project_id, s["trace_id"], s["span_id"], parent, s["name"], s["start_time"],
                     s["end_time"], s["status"], s["service_name"], json.dumps(attrs), json.dumps(s["events"])))
            self.db.commit()

    def stop(self):
        super().stop()
        self.db.close()


class E2EScriptTest(TempDirMixin, unittest.TestCase):
    def run_script(self, **collector_opts):
        d = self.make_tempdir()
        db = os.path.join(d, "agentstack.db")
        server = StoringCollector(db, "proj_123", **collector_opts)
        self.addCleanup(server.stop)
        env = env_without_agentstack()
        env.update({"AGENTSTACK_COLLECTOR_URL": server.url, "AGENTSTACK_API_KEY": "ak_e2e",
                    "AGENTSTACK_E2E_DB": db, "AGENTSTACK_E2E_PROJECT_ID": "proj_123"})
        out = subprocess.run([sys.executable, SCRIPT], env=env, cwd=d, capture_output=True, text=True, timeout=60)
        return out, server, d

    def test_passes_against_a_correct_collector(self):
        out, server, d = self.run_script(cost=0.0035)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(out.stdout.strip(), "e2e ok")
        self.assertEqual(set(server.keys), {"ak_e2e"})
        self.assertFalse(os.path.exists(os.path.join(d, ".agentstack.db")))

    def test_fails_on_wrong_cost(self):
        out, _, _ = self.run_script(cost=0.0042)
        self.assertEqual(out.returncode, 1)
        self.assertIn("agentstack.cost.total_usd", out.stdout)

    def test_fails_on_broken_parent_links(self):
        out, _, _ = self.run_script(break_parents=True)
        self.assertEqual(out.returncode, 1)
        self.assertIn("plan parent", out.stdout)


if __name__ == "__main__":
    unittest.main()
