import { describe, expect, it } from "vitest";
import { byModel, pivotCost } from "./series";
import type { CostPoint } from "./types";

const H = 3_600_000;
const t0 = Date.parse("2026-11-26T00:00:00Z");
const pt = (hour: number, model: string, cost: number, calls = 1): CostPoint => ({
  time: new Date(t0 + hour * H).toISOString(),
  time_ns: (t0 + hour * H) * 1e6,
  model,
  calls,
  input_tokens: 100 * calls,
  output_tokens: 10 * calls,
  total_tokens: 110 * calls,
  cost_usd: cost,
});

describe("pivotCost", () => {
  it("fills every bucket and stacks models by total", () => {
    const { rows, models } = pivotCost([pt(1, "gpt-4o", 0.5), pt(1, "claude", 0.1), pt(3, "claude", 1)], t0, t0 + 4 * H, H);
    expect(rows.map((r) => r.t)).toEqual([t0, t0 + H, t0 + 2 * H, t0 + 3 * H]);
    expect(models).toEqual(["claude", "gpt-4o"]);
    expect(rows[1]).toMatchObject({ cost: 0.6, calls: 2, tokens: 220, "m:gpt-4o": 0.5, "m:claude": 0.1 });
    expect(rows[2]).toMatchObject({ cost: 0, "m:gpt-4o": 0, "m:claude": 0 });
  });
});

describe("byModel", () => {
  it("sums per model, most expensive first", () => {
    const m = byModel([pt(0, "a", 0.2, 2), pt(1, "b", 1), pt(2, "a", 0.3)]);
    expect(m.map((x) => [x.model, x.calls, x.cost])).toEqual([
      ["b", 1, 1],
      ["a", 3, 0.5],
    ]);
  });
});

import { traceRows } from "./series";
import type { TimePoint } from "./types";

describe("traceRows", () => {
  const tp = (iso: string, traces: number, errors: number, p95: number): TimePoint => {
    const ms = Date.parse(iso);
    return { time: iso, time_ns: ms * 1e6, traces, errors, error_rate: traces ? errors / traces : 0, p50_ms: p95 / 2, p95_ms: p95, tokens: 0, cost_usd: 0, alerts: 0 };
  };
  it("splits traces into ok and failed per bucket, in time order", () => {
    const rows = traceRows([tp("2026-11-26T15:00:00Z", 4, 1, 900), tp("2026-11-26T14:00:00Z", 0, 0, 0)]);
    expect(rows).toEqual([
      { t: Date.parse("2026-11-26T14:00:00Z"), ok: 0, errors: 0, p95: 0 },
      { t: Date.parse("2026-11-26T15:00:00Z"), ok: 3, errors: 1, p95: 900 },
    ]);
    expect(traceRows([])).toEqual([]);
  });
});
