// Pivots the API's cost series (one point per bucket and model) into chart
// rows, filling empty buckets so time is continuous.

import type { CostPoint, TimePoint } from "./types";

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

/** One chart row per time-series point: traces split into ok and failed, and the bucket's p95 latency. */
export function traceRows(points: TimePoint[]): { t: number; ok: number; errors: number; p95: number }[] {
  return points
    .map((p) => ({ t: Math.floor(p.time_ns / 1e6), ok: Math.max(p.traces - p.errors, 0), errors: p.errors, p95: p.p95_ms }))
    .sort((a, b) => a.t - b.t);
}
