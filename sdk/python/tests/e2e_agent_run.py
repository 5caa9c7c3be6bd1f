#!/usr/bin/env python3
"""End-to-end check of the SDK against a running AgentStack collector.

Runs a nested agent run (agent → plan → llm, plan → tool), flushes it to
``AGENTSTACK_COLLECTOR_URL`` with ``AGENTSTACK_API_KEY``, then reads the
collector's SQLite file (``AGENTSTACK_E2E_DB``, opened read-only) until the
four spans of the trace are stored, and checks parent links, the project id
(``AGENTSTACK_E2E_PROJECT_ID``), the GenAI attributes and, when the collector
priced the call, its cost.

Prints "e2e ok" and exits 0 on success; prints what failed and exits 1 otherwise.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))

import agentstack  # noqa: E402
from agentstack import get_current_span, observe, record_llm_usage  # noqa: E402

EXPECTED_COST_USD = 0.0035  # gpt-4o: 1000 input tokens at $2.50/M + 100 output tokens at $10/M
POLL_SECONDS = 15.0


@observe(name="llm")
def llm(question: str) -> str:
    record_llm_usage(model="gpt-4o", provider="openai", input_tokens=1000, output_tokens=100)
    return "answer to " + question


@observe(name="tool")
def tool(query: str) -> str:
    get_current_span().set_attribute("tool.name", "search")
    return "result for " + query


@observe(name="plan")
def plan(question: str) -> str:
    return llm(question) + " / " + tool(question)


TRACE: Dict[str, str] = {}


@observe(name="agent")
def agent(question: str) -> str:
    TRACE["trace_id"] = get_current_span().trace_id
    return plan(question)


def load_spans(db_path: str, trace_id: str) -> List[Dict[str, Any]]:
    conn = sqlite3.connect("file:" + db_path + "?mode=ro", uri=True, timeout=5)
    try:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT project_id, trace_id, span_id, parent_span_id, name, attributes FROM spans WHERE trace_id = ?",
            (trace_id,),
        ).fetchall()
        return [dict(r) for r in rows]
    finally:
        conn.close()


def wait_for_spans(db_path: str, trace_id: str, want: int) -> List[Dict[str, Any]]:
    deadline = time.monotonic() + POLL_SECONDS
    spans: List[Dict[str, Any]] = []
    last_error: Optional[str] = None
    while time.monotonic() < deadline:
        try:
            spans = load_spans(db_path, trace_id)
            last_error = None
            if len(spans) >= want:
                return spans
        except sqlite3.Error as exc:  # file or table not there yet, or busy
            last_error = repr(exc)
        time.sleep(0.2)
    if last_error:
        print("reading %s: %s" % (db_path, last_error))
    return spans


def check(spans: List[Dict[str, Any]], project_id: str) -> List[str]:
    problems: List[str] = []
    by_name = {s["name"]: s for s in spans}
    for name in ("agent", "plan", "llm", "tool"):
        if name not in by_name:
            problems.append("span %r not stored (got %s)" % (name, sorted(by_name)))
    if problems:
        return problems
    agent_s, plan_s, llm_s, tool_s = (by_name[n] for n in ("agent", "plan", "llm", "tool"))
    if agent_s["parent_span_id"] != "":
        problems.append("agent parent_span_id is %r, want ''" % agent_s["parent_span_id"])
    if plan_s["parent_span_id"] != agent_s["span_id"]:
        problems.append("plan parent %r != agent %r" % (plan_s["parent_span_id"], agent_s["span_id"]))
    for child in (llm_s, tool_s):
        if child["parent_span_id"] != plan_s["span_id"]:
            problems.append("%s parent %r != plan %r" % (child["name"], child["parent_span_id"], plan_s["span_id"]))
    for s in spans:
        if s["project_id"] != project_id:
            problems.append("%s project_id %r != %r" % (s["name"], s["project_id"], project_id))
    try:
        attrs = json.loads(llm_s["attributes"] or "{}")
    except ValueError as exc:
        return problems + ["llm attributes are not JSON: %r" % exc]
    want = {
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.provider.name": "openai",
        "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.output_tokens": 100,
    }
    for key, value in want.items():
        if attrs.get(key) != value:
            problems.append("llm attribute %s = %r, want %r" % (key, attrs.get(key), value))
    if "agentstack.cost.total_usd" in attrs:
        cost = attrs["agentstack.cost.total_usd"]
        if not isinstance(cost, (int, float)) or abs(float(cost) - EXPECTED_COST_USD) > 1e-9:
            problems.append("agentstack.cost.total_usd = %r, want %r" % (cost, EXPECTED_COST_USD))
    return problems


def main() -> int:
    missing = [v for v in ("AGENTSTACK_COLLECTOR_URL", "AGENTSTACK_API_KEY", "AGENTSTACK_E2E_DB",
                           "AGENTSTACK_E2E_PROJECT_ID") if not os.environ.get(v)]
    if missing:
        print("missing environment: " + ", ".join(missing))
        return 1
    # Nothing of this run should linger in an offline file next to the caller.
    agentstack.configure(offline_enabled=False, service_name=os.environ.get("AGENTSTACK_SERVICE_NAME", "e2e-agent"),
                         max_retries=5, retry_backoff_ms=200)
    agent("what is AgentStack?")
    if not agentstack.flush(timeout=15):
        print("flush failed: %s" % (agentstack.stats(),))
        return 1
    spans = wait_for_spans(os.environ["AGENTSTACK_E2E_DB"], TRACE["trace_id"], 4)
    problems = check(spans, os.environ["AGENTSTACK_E2E_PROJECT_ID"])
    if len(spans) != 4 and not problems:
        problems.append("expected 4 spans in trace %s, found %d" % (TRACE["trace_id"], len(spans)))
    if problems:
        print("e2e FAILED for trace %s:" % TRACE["trace_id"])
        for p in problems:
            print("  - " + p)
        return 1
    print("e2e ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
