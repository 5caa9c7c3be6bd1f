import { useCallback, useMemo } from "react";
import { Link, useParams } from "react-router";
import { useTrace } from "../hooks/queries";
import { ApiError } from "../lib/api";
import { formatCost, formatDuration, formatTime, formatTokens } from "../lib/format";
import { useProjectId, useProjectLink, useQueryState } from "../lib/urlstate";
import { Stat, StatusBadge } from "../components/Badges";
import { ErrorBox, Loading } from "../components/States";
import { Waterfall } from "../components/Waterfall";
import { SpanPanel } from "../components/SpanPanel";

export function TraceDetailPage() {
  const { traceId } = useParams();
  const trace = useTrace(traceId, useProjectId());
  const [params, update] = useQueryState();
  const link = useProjectLink();
  const selectedId = params.get("span");
  const select = useCallback((id: string) => update({ span: id, tab: null }, { replace: true, keepPage: true }), [update]);
  const selected = useMemo(() => trace.data?.spans.find((s) => s.span_id === selectedId) ?? null, [trace.data, selectedId]);
  const selectedAlerts = useMemo(() => trace.data?.alerts.filter((a) => a.span_id === selectedId) ?? [], [trace.data, selectedId]);

  if (trace.isLoading) return <Loading label="Loading trace…" />;
  if (trace.isError) {
    if (trace.error instanceof ApiError && trace.error.status === 404) {
      return (
        <div className="page">
          <h1>Trace not found</h1>
          <p className="muted">
            No trace <code>{traceId}</code> in your projects. Its spans may still be on their way (the pipeline batches for a moment).
          </p>
          <Link to={link("/traces")}>← All traces</Link>
        </div>
      );
    }
    return <ErrorBox error={trace.error} retry={() => trace.refetch()} />;
  }
  if (!trace.data) return null;
  const t = trace.data.trace;

  return (
    <div className="page trace-page">
      <header className="page-head">
        <Link to={link("/traces")} className="muted">
          ← Traces
        </Link>
        <h1 title={t.name}>{t.name || "(unnamed)"}</h1>
        <StatusBadge status={t.status} />
      </header>
      <div className="trace-summary">
        <Stat label="Duration" value={formatDuration(t.duration_ms)} />
        <Stat label="Spans" value={t.span_count.toLocaleString("en-US")} />
        <Stat label="Errors" value={t.error_count} tone={t.error_count ? "red" : undefined} />
        <Stat label="Tokens" value={t.total_tokens ? `${formatTokens(t.input_tokens)} in / ${formatTokens(t.output_tokens)} out` : "—"} />
        <Stat label="Cost" value={formatCost(t.cost_usd)} />
        <Stat label="Alerts" value={t.alert_count} tone={t.alert_count ? "amber" : undefined} />
        <Stat label="Service" value={t.service_name || "—"} />
        <Stat label="Started" value={formatTime(t.start_time)} />
        {t.session_id && <Stat label="Session" value={<Link to={link(`/sessions/${encodeURIComponent(t.session_id)}`)}>{t.session_id}</Link>} />}
        <Stat label="Trace id" value={<span className="mono small">{t.trace_id}</span>} />
      </div>
      <div className={`trace-body${selected ? " with-panel" : ""}`}>
        <Waterfall spans={trace.data.spans} alerts={trace.data.alerts} selectedId={selectedId} onSelect={select} />
        {selected && <SpanPanel span={selected} alerts={selectedAlerts} traceStartNs={t.start_time_ns} onClose={() => update({ span: null, tab: null }, { replace: true, keepPage: true })} />}
      </div>
    </div>
  );
}
