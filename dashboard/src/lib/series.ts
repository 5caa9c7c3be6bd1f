// Pivots the API's cost series (one point per bucket and model) into chart
// rows, filling empty buckets so time is continuous.

import type { CostPoint } from "./types";

export interface SeriesRow {
  t: number;
  cost: number;
  calls: number;
  tokens: number;
  [model: string]: number;
}

export function pivotCost(points: CostPoint[], startMs: number, endMs: number, bucketMs: number): { rows: SeriesRow[]; models: string[] } {
  const first = Math.floor(startMs / bucketMs) * bucketMs;
  const byT = new Map<number, SeriesRow>();
  for (let t = first; t < endMs; t += bucketMs) byT.set(t, { t, cost: 0, calls: 0, tokens: 0 });
  const modelTotals = new Map<string, number>();
  for (const p of points) {
    const t = Math.floor(p.time_ns / 1e6 / bucketMs) * bucketMs;
    let row = byT.get(t);
    if (!row) byT.set(t, (row = { t, cost: 0, calls: 0, tokens: 0 }));
    const model = p.model || "unknown";
    row.cost += p.cost_usd;
    row.calls += p.calls;
    row.tokens += p.total_tokens;
    row[`m:${model}`] = (row[`m:${model}`] ?? 0) + p.cost_usd;
    modelTotals.set(model, (modelTotals.get(model) ?? 0) + p.cost_usd);
  }
  const models = [...modelTotals.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
  for (const row of byT.values()) for (const m of models) row[`m:${m}`] ??= 0;
  return { rows: [...byT.values()].sort((a, b) => a.t - b.t), models };
}

export interface ModelTotal {
  model: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost: number;
}

export function byModel(points: CostPoint[]): ModelTotal[] {
  const m = new Map<string, ModelTotal>();
  for (const p of points) {
    const k = p.model || "unknown";
    const cur = m.get(k) ?? { model: k, calls: 0, input_tokens: 0, output_tokens: 0, cost: 0 };
    cur.calls += p.calls;
    cur.input_tokens += p.input_tokens;
    cur.output_tokens += p.output_tokens;
    cur.cost += p.cost_usd;
    m.set(k, cur);
  }
  return [...m.values()].sort((a, b) => b.cost - a.cost || b.calls - a.calls);
}

export const PALETTE = ["#6d8cff", "#a78bfa", "#34d399", "#fbbf24", "#f472b6", "#22d3ee", "#fb923c", "#94a3b8"];

/** Buckets for trace charts built from one summary per bucket: at most 30 calls, the last one holding endMs. */
export function summaryBuckets(startMs: number, endMs: number): { start: number; end: number }[] {
  const span = endMs - startMs;
  const steps = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000, 7 * 86_400_000];
  const step = steps.find((s) => span / s <= 30) ?? Math.ceil(span / 30);
  const out: { start: number; end: number }[] = [];
  // Aligned to whole steps (in UTC), like the cost series' hour and day buckets.
  const last = Math.ceil(endMs / step) * step;
  for (let t = last - Math.ceil(span / step) * step; t < last; t += step) out.push({ start: t, end: t + step });
  return out;
}
