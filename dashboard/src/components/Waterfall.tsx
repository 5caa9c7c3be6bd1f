import { memo, useEffect, useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { layoutWaterfall, timeTicks, type WaterfallRow } from "../lib/waterfall";
import { formatCost, formatDuration, formatTokens, plural } from "../lib/format";
import type { Alert, Span } from "../lib/types";

const ROW_HEIGHT = 28;
const MAX_INDENT_DEPTH = 24;

interface Props {
  spans: Span[];
  alerts: Alert[];
  selectedId: string | null;
  onSelect: (spanId: string) => void;
}

/** The trace's spans as a virtualized tree of timing bars. */
export function Waterfall({ spans, alerts, selectedId, onSelect }: Props) {
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const layout = useMemo(() => layoutWaterfall(spans, collapsed), [spans, collapsed]);
  const alertsBySpan = useMemo(() => {
    const m = new Map<string, Alert[]>();
    for (const a of alerts) {
      const list = m.get(a.span_id);
      if (list) list.push(a);
      else m.set(a.span_id, [a]);
    }
    return m;
  }, [alerts]);
  const durationMs = layout.durationNs / 1e6;
  const ticks = useMemo(() => timeTicks(durationMs), [durationMs]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: layout.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });

  const indexOf = useMemo(() => new Map(layout.rows.map((r, i) => [r.span.span_id, i])), [layout]);
  // Bring the selected span into view (a shared link, keyboard moves).
  useEffect(() => {
    const i = selectedId ? indexOf.get(selectedId) : undefined;
    if (i !== undefined) virtualizer.scrollToIndex(i, { align: "auto" });
  }, [selectedId, indexOf, virtualizer]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const cur = selectedId ? (indexOf.get(selectedId) ?? -1) : -1;
    const next = Math.max(0, Math.min(layout.rows.length - 1, cur + (e.key === "ArrowDown" ? 1 : -1)));
    const row = layout.rows[next];
    if (row) onSelect(row.span.span_id);
  };

  const toggle = (id: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="waterfall" data-testid="waterfall">
      <div className="wf-head">
        <div className="wf-name-col">
          Span <span className="muted">({layout.rows.length.toLocaleString("en-US")}{layout.rows.length !== spans.length ? ` of ${spans.length.toLocaleString("en-US")}` : ""})</span>
          {collapsed.size > 0 && (
            <button type="button" className="link-btn" onClick={() => setCollapsed(new Set())}>
              expand all
            </button>
          )}
        </div>
        <div className="wf-bar-col wf-axis">
          {ticks.map((t) => (
            <span key={t} className="wf-tick" style={{ left: `${durationMs > 0 ? (t / durationMs) * 100 : 0}%` }}>
              {formatDuration(t)}
            </span>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="wf-scroll" data-testid="waterfall-scroll" tabIndex={0} onKeyDown={onKeyDown} aria-label="Spans: arrow keys move the selection">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((vi) => {
            const row = layout.rows[vi.index]!;
            return (
              <WaterfallRowView
                key={row.span.span_id}
                row={row}
                top={vi.start}
                index={vi.index}
                selected={row.span.span_id === selectedId}
                alerts={alertsBySpan.get(row.span.span_id)}
                collapsed={collapsed.has(row.span.span_id)}
                onSelect={onSelect}
                onToggle={toggle}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  row: WaterfallRow<Span>;
  top: number;
  index: number;
  selected: boolean;
  alerts: Alert[] | undefined;
  collapsed: boolean;
  onSelect: (id: string) => void;
  onToggle: (id: string) => void;
}

const WaterfallRowView = memo(function WaterfallRowView({ row, top, index, selected, alerts, collapsed, onSelect, onToggle }: RowProps) {
  const s = row.span;
  const isError = s.status.toUpperCase() === "ERROR";
  const isLLM = !!s.model || s.total_tokens > 0;
  const indent = Math.min(row.depth, MAX_INDENT_DEPTH) * 14;
  const leftPct = row.offset * 100;
  const widthPct = row.width * 100;
  const endPct = leftPct + widthPct;
  // The duration label goes right of the bar, or left of it, or inside
  // its end when the bar spans nearly the whole axis.
  const labelStyle: React.CSSProperties =
    endPct <= 75 ? { left: `calc(${endPct}% + 4px)` } : leftPct >= 15 ? { right: `calc(${100 - leftPct}% + 4px)` } : { right: `calc(${100 - endPct}% + 4px)`, color: "#fff" };
  return (
    <div
      className={`wf-row${selected ? " selected" : ""}${isError ? " error" : ""}`}
      data-testid="wf-row"
      data-span-id={s.span_id}
      data-row-index={index}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onSelect(s.span_id)}
      role="button"
      tabIndex={0}
      aria-selected={selected}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onSelect(s.span_id);
        }
      }}
    >
      <div className="wf-name-col" style={{ paddingLeft: 8 + indent }} title={s.name}>
        {row.childCount > 0 ? (
          <button
            type="button"
            className="wf-toggle"
            aria-label={collapsed ? "expand" : "collapse"}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(s.span_id);
            }}
          >
            {collapsed ? "▸" : "▾"}
          </button>
        ) : (
          <span className="wf-toggle-space" />
        )}
        {row.depth > MAX_INDENT_DEPTH && <span className="muted small">{row.depth}·</span>}
        <span className={`wf-name${isError ? " text-error" : ""}`}>{s.name || "(unnamed)"}</span>
        {row.orphan && (
          <span className="chip warn" title={`parent ${s.parent_span_id} is not in this trace`}>
            orphan
          </span>
        )}
        {isLLM && (
          <span className="chip llm" title="LLM call">
            {s.model || "llm"}
            {s.total_tokens > 0 && ` · ${formatTokens(s.total_tokens)} tok`}
            {s.cost_usd > 0 && ` · ${formatCost(s.cost_usd)}`}
          </span>
        )}
        {(s.content_events ?? 0) > 0 && <ContentMarker count={s.content_events ?? 0} />}
        {alerts && alerts.length > 0 && (
          <span className="alert-marker" data-testid="alert-marker" title={alerts.map((a) => `${a.severity}: ${a.rule}`).join("\n")}>
            ⚠ {alerts.length}
          </span>
        )}
      </div>
      <div className="wf-bar-col">
        <div
          className={`wf-bar${isError ? " error" : isLLM ? " llm" : ""}`}
          style={{ left: `${leftPct}%`, width: `max(2px, ${widthPct}%)` }}
        />
        <span className="wf-dur" style={labelStyle}>
          {formatDuration(s.duration_ms)}
        </span>
      </div>
    </div>
  );
});

/** The span has GenAI message events (log records): its conversation is in them. */
function ContentMarker({ count }: { count: number }) {
  const label = plural(count, "message event");
  return (
    <span className="content-marker" data-testid="content-marker" title={label} aria-label={label}>
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden>
        <path d="M2 3h12v8H7l-3 3v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      </svg>
      {count}
    </span>
  );
}
