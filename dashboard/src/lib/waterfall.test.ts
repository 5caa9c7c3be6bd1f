import { describe, expect, it } from "vitest";
import { layoutWaterfall, timeTicks, type LayoutSpan } from "./waterfall";

const MS = 1_000_000;
// Real epoch timestamps in ns exceed 2^53: JSON numbers keep them to
// within 256 ns, so offsets are compared to 5 decimals (1 µs in 100 ms).
const T0 = 1_764_000_000_000 * MS;

function span(id: string, parent: string, startMs: number, endMs: number): LayoutSpan & { name: string } {
  return { span_id: id, parent_span_id: parent, start_time_ns: T0 + startMs * MS, end_time_ns: T0 + endMs * MS, name: id };
}

describe("layoutWaterfall", () => {
  // root 0..100, a 10..40 (a1 15..20, a2 12..14), b 50..100 (b1 60..90)
  const spans = [span("b1", "b", 60, 90), span("a1", "a", 15, 20), span("root", "", 0, 100), span("b", "root", 50, 100), span("a", "root", 10, 40), span("a2", "a", 12, 14)];

  it("orders parents before children, siblings by start time", () => {
    const { rows } = layoutWaterfall(spans);
    expect(rows.map((r) => r.span.span_id)).toEqual(["root", "a", "a2", "a1", "b", "b1"]);
  });

  it("gives depths and parent rows", () => {
    const { rows } = layoutWaterfall(spans);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 2, 2, 1, 2]);
    expect(rows.map((r) => r.parentIndex)).toEqual([-1, 0, 1, 1, 0, 4]);
    expect(rows.map((r) => r.childCount)).toEqual([2, 2, 0, 0, 1, 0]);
  });

  it("places bars relative to the trace's extent", () => {
    const l = layoutWaterfall(spans);
    expect(l.durationNs).toBe(100 * MS);
    expect(l.startNs).toBe(T0);
    const a = l.rows.find((r) => r.span.span_id === "a")!;
    expect(a.offset).toBeCloseTo(0.1, 5);
    expect(a.width).toBeCloseTo(0.3, 5);
    const b1 = l.rows.find((r) => r.span.span_id === "b1")!;
    expect(b1.offset).toBeCloseTo(0.6, 5);
    expect(b1.width).toBeCloseTo(0.3, 5);
    expect(l.rows[0]!.offset).toBe(0);
    expect(l.rows[0]!.width).toBe(1);
  });

  it("uses the earliest start and latest end, even when a child outlives its parent", () => {
    const l = layoutWaterfall([span("r", "", 10, 20), span("c", "r", 15, 50)]);
    expect(l.startNs).toBe(T0 + 10 * MS);
    expect(l.durationNs).toBe(40 * MS);
    expect(l.rows[1]!.offset).toBeCloseTo(0.125, 5);
    expect(l.rows[1]!.width).toBeCloseTo(0.875, 5);
  });

  it("shows spans whose parent is missing as orphan roots", () => {
    const l = layoutWaterfall([span("r", "", 0, 10), span("lost", "feedfacefeedface", 2, 4), span("kid", "lost", 3, 4)]);
    expect(l.rows.map((r) => [r.span.span_id, r.depth, r.orphan])).toEqual([
      ["r", 0, false],
      ["lost", 0, true],
      ["kid", 1, false],
    ]);
  });

  it("survives parent cycles and self-parents", () => {
    const l = layoutWaterfall([span("x", "y", 0, 10), span("y", "x", 1, 5), span("s", "s", 2, 3)]);
    expect(l.rows).toHaveLength(3);
    expect(new Set(l.rows.map((r) => r.span.span_id))).toEqual(new Set(["x", "y", "s"]));
  });

  it("hides the descendants of collapsed spans", () => {
    const l = layoutWaterfall(spans, new Set(["a"]));
    expect(l.rows.map((r) => r.span.span_id)).toEqual(["root", "a", "b", "b1"]);
    expect(l.rows[1]!.childCount).toBe(2);
  });

  it("handles an instant trace and an empty one", () => {
    const l = layoutWaterfall([span("only", "", 5, 5)]);
    expect(l.durationNs).toBe(0);
    expect(l.rows[0]!.offset).toBe(0);
    expect(l.rows[0]!.width).toBe(1);
    expect(layoutWaterfall([]).rows).toEqual([]);
  });

  it("lays out a 5,000-deep chain without recursion, and 5,000 spans quickly", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => span(`s${i}`, i ? `s${i - 1}` : "", i, 10_000 - i));
    const l = layoutWaterfall(chain);
    expect(l.rows).toHaveLength(5000);
    expect(l.rows[4999]!.depth).toBe(4999);
    const wide = Array.from({ length: 5000 }, (_, i) => span(`w${i}`, i ? `w${Math.floor((i - 1) / 10)}` : "", i % 97, 100 + (i % 50)));
    const t = performance.now();
    const lw = layoutWaterfall(wide);
    expect(performance.now() - t).toBeLessThan(200);
    expect(lw.rows).toHaveLength(5000);
    expect(lw.rows[0]!.span.span_id).toBe("w0");
  });
});

describe("timeTicks", () => {
  it("picks round steps covering the duration", () => {
    expect(timeTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(timeTicks(1000, 4)).toEqual([0, 250, 500, 750, 1000]);
    expect(timeTicks(0)).toEqual([0]);
  });
});
