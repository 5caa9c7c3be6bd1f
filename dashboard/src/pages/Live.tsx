import { useEffect, useState } from "react";
import { Link } from "react-router";
import { useLiveFeed, type LiveItem, type LiveStatus } from "../hooks/useLiveFeed";
import { formatClock, formatCost, formatDuration, formatTokens } from "../lib/format";
import { useProjectId, useProjectLink, useQueryState } from "../lib/urlstate";
import { SeverityBadge, StatusBadge } from "../components/Badges";
import { Empty } from "../components/States";

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting",
  closed: "Disconnected",
};

export function LivePage() {
  const project = useProjectId();
  const feed = useLiveFeed(project);
  const [params, update] = useQueryState();
  const show = params.get("show") ?? "all";
  const items = feed.items.filter((i) => show === "all" || (show === "alerts" ? i.kind === "alert" : i.kind === "span"));
  const alertCount = feed.items.filter((i) => i.kind === "alert").length;

  return (
    <div className="page">
      <header className="page-head">
        <h1>Live</h1>
        <ConnectionBadge status={feed.status} retryIn={feed.retryIn} />
        <div className="spacer" />
        <div className="segmented" role="group" aria-label="Show">
          {[
            ["all", "All"],
            ["spans", "Spans"],
            ["alerts", `Alerts${alertCount ? ` (${alertCount})` : ""}`],
          ].map(([k, label]) => (
            <button key={k} type="button" className={show === k ? "seg active" : "seg"} onClick={() => update({ show: k === "all" ? null : k }, { replace: true })}>
              {label}
            </button>
          ))}
        </div>
        <button type="button" className="btn small" onClick={() => feed.setPaused(!feed.paused)} aria-pressed={feed.paused}>
          {feed.paused ? `Resume${feed.pending ? ` (${feed.pending} new)` : ""}` : "Pause"}
        </button>
        <button type="button" className="btn small" onClick={feed.clear}>
          Clear
        </button>
        {feed.status === "reconnecting" && (
          <button type="button" className="btn small" onClick={feed.reconnect}>
            Reconnect now
          </button>
        )}
      </header>
      {feed.lastError &&
        (feed.status === "open" ? (
          <div className="state error small">{feed.lastError}</div>
        ) : (
          <div className="muted small">Disconnected: {feed.lastError}. Reconnecting with backoff (1 s, 2 s, 4 s … 30 s).</div>
        ))}
      {items.length === 0 ? (
        <Empty title={feed.paused ? "Paused" : "Waiting for spans…"}>
          <p className="muted">Spans and security alerts appear here the moment the collector stores them. Send a trace to see it arrive.</p>
        </Empty>
      ) : (
        <ul className="live-list" data-testid="live-list">
          {items.map((i) => (
            <LiveRow key={i.key} item={i} />
          ))}
        </ul>
      )}
    </div>
  );
}

function ConnectionBadge({ status, retryIn }: { status: LiveStatus; retryIn: number | null }) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (status !== "reconnecting") return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [status]);
  const secs = retryIn ? Math.max(0, Math.ceil((retryIn - Date.now()) / 1000)) : null;
  return (
    <span className={`conn conn-${status}`} data-testid="live-status" data-status={status}>
      <span className="conn-dot" aria-hidden /> {STATUS_TEXT[status]}
      {status === "reconnecting" && secs != null && ` in ${secs}s`}
    </span>
  );
}

function LiveRow({ item }: { item: LiveItem }) {
  const link = useProjectLink();
  if (item.kind === "alert") {
    const a = item.alert;
    return (
      <li className="live-item alert" data-testid="live-alert">
        <span className="muted mono small">{formatClock(item.at)}</span>
        <SeverityBadge severity={a.severity} />
        <strong>{a.rule}</strong>
        <span className="grow">{a.description}</span>
        <Link to={link(`/traces/${a.trace_id}`, { span: a.span_id, tab: "alerts" })}>span →</Link>
      </li>
    );
  }
  const s = item.span;
  return (
    <li className={`live-item${s.status.toUpperCase() === "ERROR" ? " error" : ""}`} data-testid="live-span">
      <span className="muted mono small">{formatClock(item.at)}</span>
      <StatusBadge status={s.status} />
      <Link to={link(`/traces/${s.trace_id}`, { span: s.span_id })} className="grow">
        {s.name}
      </Link>
      {s.service_name && <span className="chip">{s.service_name}</span>}
      {s.model && (
        <span className="chip llm">
          {s.model}
          {s.total_tokens > 0 && ` · ${formatTokens(s.total_tokens)} tok`}
          {s.cost_usd > 0 && ` · ${formatCost(s.cost_usd)}`}
        </span>
      )}
      <span className="muted">{formatDuration(s.duration_ms)}</span>
    </li>
  );
}
