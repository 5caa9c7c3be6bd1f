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

import { summaryBuckets } from "./series";

describe("summaryBuckets", () => {
  it("covers the range with at most 30 whole-step buckets", () => {
    const end = Date.parse("2026-11-26T15:00:00Z");
    const day = summaryBuckets(end - 86_400_000, end);
    expect(day).toHaveLength(24);
    expect(day[0]!.start).toBe(end - 86_400_000);
    expect(day[23]!.end).toBe(end);
    expect(summaryBuckets(end - 7 * 86_400_000, end)).toHaveLength(28); // 6-hour buckets
    expect(summaryBuckets(end - 15 * 60_000, end)).toHaveLength(15);
    expect(summaryBuckets(end - 30 * 86_400_000, end)).toHaveLength(30);
    const odd = summaryBuckets(end - 86_400_000 + 25 * 60_000, end + 25 * 60_000);
    expect(odd[0]!.start).toBe(end - 86_400_000 + 3_600_000);
    expect(odd[odd.length - 1]!.end).toBe(end + 3_600_000);
  });
});
