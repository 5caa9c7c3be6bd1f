#!/usr/bin/env python3
"""Per-call overhead of ``@observe`` on a sync function.

The exporter thread runs for real (batching, serializing, scrubbing), sending
to a transport that accepts everything without network I/O, so the figure
includes the background work competing for the GIL. Reports the minimum of
several ``timeit`` runs, in microseconds per call.

    python3 sdk/python/benchmarks/bench_observe.py [--calls N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))

import agentstack  # noqa: E402
from agentstack._internal.transport import TransportResult  # noqa: E402

TARGET_US = 15.0


class NullTransport:
    def __init__(self) -> None:
        self.spans = 0

    def send(self, spans: List[Dict[str, Any]], deadline: Optional[float] = None) -> TransportResult:
        self.spans += len(spans)
        return TransportResult(True, 202, accepted=len(spans))


def best_us(stmt: Any, calls: int, repeat: int) -> float:
    times = timeit.repeat(stmt, number=calls, repeat=repeat)
    return min(times) / calls * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    transport = NullTransport()
    agentstack.configure(transport=transport, offline_enabled=False, max_queue_size=100000)

    def plain(x: int) -> int:
        return x + 1

    @agentstack.observe(name="bench.sync")
    def observed(x: int) -> int:
        return x + 1

    @agentstack.observe(name="bench.attrs", attributes={"agent.step": "plan"})
    def observed_attrs(x: int) -> int:
        agentstack.get_current_span().set_attribute("x", x)
        return x + 1

    tracer = agentstack.get_tracer()

    def manual() -> None:
        with tracer.start_span("bench.manual"):
            pass

    base = best_us(lambda: plain(1), args.calls, args.repeat)
    obs = best_us(lambda: observed(1), args.calls, args.repeat)
    obs_attrs = best_us(lambda: observed_attrs(1), args.calls, args.repeat)
    man = best_us(manual, args.calls, args.repeat)
    agentstack.flush(30)
    agentstack.configure(enabled=False)
    disabled = best_us(lambda: observed(1), args.calls, args.repeat)

    stats = agentstack.stats()
    print("python %s, %d calls x %d runs (min)" % (sys.version.split()[0], args.calls, args.repeat))
    print("plain function call            %7.3f us" % base)
    print("@observe (sync)                %7.3f us/call  overhead %7.3f us" % (obs, obs - base))
    print("@observe + 1 attribute         %7.3f us/call  overhead %7.3f us" % (obs_attrs, obs_attrs - base))
    print("with tracer.start_span()       %7.3f us/call" % man)
    print("@observe, SDK disabled         %7.3f us/call  overhead %7.3f us" % (disabled, disabled - base))
    print("spans exported %d, dropped %d" % (stats.get("exported", 0), stats.get("dropped", 0)))
    ok = obs - base <= TARGET_US
    print("target <= %.0f us overhead: %s" % (TARGET_US, "met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
