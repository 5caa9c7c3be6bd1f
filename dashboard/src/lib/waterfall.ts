// The waterfall's layout: spans in tree order (each parent followed by its
// children, siblings by start time), with depth and the bar's offset and
// width as fractions of the trace's extent.

export interface LayoutSpan {
  span_id: string;
  parent_span_id: string;
  start_time_ns: number;
  end_time_ns: number;
}

export interface WaterfallRow<S extends LayoutSpan> {
  span: S;
  depth: number;
  /** Start relative to the trace start, 0..1. */
  offset: number;
  /** Duration relative to the trace extent, 0..1 (0 for instant spans). */
  width: number;
  /** The span names a parent that is not in the trace. */
  orphan: boolean;
  childCount: number;
  /** Index of the row of its parent, -1 for roots and orphans. */
  parentIndex: number;
}

export interface WaterfallLayout<S extends LayoutSpan> {
  rows: WaterfallRow<S>[];
  startNs: number;
  endNs: number;
  durationNs: number;
}

/**
 * Lays out the spans of one trace. collapsed holds span ids whose
 * descendants are hidden. Iterative, so a deep chain cannot overflow the
 * stack; linear apart from sorting siblings.
 */
export function layoutWaterfall<S extends LayoutSpan>(spans: readonly S[], collapsed?: ReadonlySet<string>): WaterfallLayout<S> {
  if (spans.length === 0) return { rows: [], startNs: 0, endNs: 0, durationNs: 0 };
  let startNs = Infinity;
  let endNs = -Infinity;
  const byId = new Map<string, S>();
  for (const s of spans) {
    startNs = Math.min(startNs, s.start_time_ns);
    endNs = Math.max(endNs, s.end_time_ns, s.start_time_ns);
    if (!byId.has(s.span_id)) byId.set(s.span_id, s);
  }
  const durationNs = Math.max(0, endNs - startNs);

  const children = new Map<string, S[]>();
  const roots: S[] = [];
  const orphans = new Set<string>();
  for (const s of byId.values()) {
    const p = s.parent_span_id;
    if (p && p !== s.span_id && byId.has(p)) {
      let list = children.get(p);
      if (!list) children.set(p, (list = []));
      list.push(s);
    } else {
      if (p && p !== s.span_id) orphans.add(s.span_id);
      roots.push(s);
    }
  }
  const byStart = (a: S, b: S) => a.start_time_ns - b.start_time_ns || a.end_time_ns - b.end_time_ns || cmp(a.span_id, b.span_id);
  roots.sort(byStart);
  for (const list of children.values()) list.sort(byStart);

  const rows: WaterfallRow<S>[] = [];
  const seen = new Set<string>();
  const frac = (ns: number) => (durationNs > 0 ? ns / durationNs : 0);
  // Stack of [span, depth, parentIndex]; pushed in reverse to pop in order.
  const stack: [S, number, number][] = [];
  const visit = (root: S) => {
    stack.push([root, 0, -1]);
    while (stack.length) {
      const [s, depth, parentIndex] = stack.pop()!;
      if (seen.has(s.span_id)) continue; // a cycle in parent links
      seen.add(s.span_id);
      const kids = children.get(s.span_id) ?? [];
      const start = s.start_time_ns - startNs;
      const dur = Math.max(0, s.end_time_ns - s.start_time_ns);
      rows.push({
        span: s,
        depth,
        offset: durationNs > 0 ? frac(start) : 0,
        width: durationNs > 0 ? frac(dur) : 1,
        orphan: orphans.has(s.span_id),
        childCount: kids.length,
        parentIndex,
      });
      if (collapsed?.has(s.span_id)) {
        markSeen(kids);
        continue;
      }
      const index = rows.length - 1;
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, depth + 1, index]);
    }
  };
  const markSeen = (kids: S[]) => {
    const todo = [...kids];
    while (todo.length) {
      const k = todo.pop()!;
      if (seen.has(k.span_id)) continue;
      seen.add(k.span_id);
      todo.push(...(children.get(k.span_id) ?? []));
    }
  };
  for (const r of roots) visit(r);
  // Spans only reachable through a cycle (a -> b -> a): show them as roots.
  for (const s of byId.values()) {
    if (!seen.has(s.span_id) && !(collapsed && hiddenByCollapse(s, byId, collapsed))) {
      orphans.add(s.span_id);
      visit(s);
    }
  }
  return { rows, startNs, endNs, durationNs };
}

function hiddenByCollapse<S extends LayoutSpan>(s: S, byId: Map<string, S>, collapsed: ReadonlySet<string>): boolean {
  const guard = new Set<string>();
  let p = s.parent_span_id;
  while (p && byId.has(p) && !guard.has(p)) {
    if (collapsed.has(p)) return true;
    guard.add(p);
    p = byId.get(p)!.parent_span_id;
  }
  return false;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Evenly spaced tick marks for the time axis, in ms from the trace start. */
export function timeTicks(durationMs: number, count = 5): number[] {
  if (!(durationMs > 0)) return [0];
  const raw = durationMs / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= durationMs + 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}
