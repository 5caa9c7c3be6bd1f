import { useMemo } from "react";
import { Link } from "react-router";
import { useAlerts, useCost, useSummary, useTimeSeries, useTraces } from "../hooks/queries";
import { formatCost, formatDuration, formatPercent, formatRelative, formatCount } from "../lib/format";
import { pivotCost, traceRows } from "../lib/series";
import { rangeBounds, useProjectId, useProjectLink, useQueryState } from "../lib/urlstate";
import { Card, SeverityBadge } from "../components/Badges";
import { CostChart, CountChart, LatencyChart, TracesChart } from "../components/Charts";
import { RangePicker } from "../components/RangePicker";
import { ErrorBox, Skeleton } from "../components/States";
import { FirstTrace } from "../components/FirstTrace";

export function OverviewPage() {
  const [params] = useQueryState();
  const project = useProjectId();
  const link = useProjectLink();
  const rangeKey = params.get("range");
  const { start, end, ms } = rangeBounds(rangeKey, "24h");
  const bucket = ms > 7 * 86_400_000 ? "day" : "hour";
  const bucketMs = bucket === "day" ? 86_400_000 : 3_600_000;
  const base = { project_id: project || undefined, start, end };
  const summary = useSummary(base);
  const cost = useCost({ ...base, bucket });
  const errors = useTraces({ project_id: project || undefined, start, status: "error", page_size: 5 });
  const alerts = useAlerts({ project_id: project || undefined, start, end, page_size: 5 });
  const anyTrace = useTraces({ project_id: project || undefined, page_size: 1 });
  const timeseries = useTimeSeries({ ...base, bucket });
  const traceSeries = useMemo(() => traceRows(timeseries.data?.points ?? []), [timeseries.data]);
  const series = useMemo(() => pivotCost(cost.data?.series ?? [], Date.parse(start), Date.parse(end), bucketMs), [cost.data, start, end, bucketMs]);

  const s = summary.data;
  return (
    <div className="page">
      <header className="page-head">
        <h1>Overview</h1>
        <RangePicker />
      </header>
      {summary.isError ? (
        <ErrorBox error={summary.error} retry={() => summary.refetch()} />
      ) : !s ? (
        <Skeleton rows={2} />
      ) : (
        <div className="cards">
          <Card label="Traces" value={formatCount(s.trace_count)} hint={`${formatCount(s.span_count)} spans`} />
          <Card label="Error rate" value={formatPercent(s.error_rate)} hint={`${formatCount(s.error_count)} failed traces`} tone={s.error_count ? "red" : "green"} />
          <Card label="p95 latency" value={formatDuration(s.p95_latency_ms)} hint={`p50 ${formatDuration(s.p50_latency_ms)}`} tone="green" />
          <Card label="Total cost" value={formatCost(s.total_cost_usd)} hint={`${formatCount(s.total_tokens)} tokens`} tone="purple" />
          <Card label="Alerts" value={formatCount(s.alert_count)} hint="security findings" tone={s.alert_count ? "amber" : "blue"} />
        </div>
      )}
      {anyTrace.data && anyTrace.data.total === 0 ? (
        <FirstTrace title="Welcome: no traces yet" />
      ) : (
        <>
          <div className="grid2">
            <section className="panel">
              <h2>Traces over time</h2>
              {timeseries.isError ? <ErrorBox error={timeseries.error} retry={() => timeseries.refetch()} /> : timeseries.data ? <TracesChart rows={traceSeries} bucketMs={bucketMs} /> : <Skeleton rows={4} />}
              <h2>p95 latency over time</h2>
              {timeseries.data ? <LatencyChart rows={traceSeries} bucketMs={bucketMs} /> : <Skeleton rows={3} />}
            </section>
            <section className="panel">
              <h2>Cost over time</h2>
              {cost.isError ? <ErrorBox error={cost.error} /> : cost.data ? <CostChart rows={series.rows} models={series.models} bucketMs={bucketMs} height={180} /> : <Skeleton rows={4} />}
              <h2>LLM calls over time</h2>
              {cost.data ? <CountChart rows={series.rows} dataKey="calls" name="LLM calls" bucketMs={bucketMs} height={160} /> : <Skeleton rows={4} />}
            </section>
          </div>
          <div className="grid2">

            <section className="panel">
              <h2>
                Recent failed traces <Link to={link("/traces", { status: "error" })} className="small">all →</Link>
              </h2>
              {errors.data?.items.length ? (
                <ul className="list">
                  {errors.data.items.map((t) => (
                    <li key={t.trace_id}>
                      <Link to={link(`/traces/${t.trace_id}`)}>{t.name || t.trace_id}</Link>
                      <span className="muted">
                        {formatDuration(t.duration_ms)} · {formatRelative(t.start_time)}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No failed traces in this range.</p>
              )}
            </section>
            <section className="panel">
              <h2>
                Recent alerts <Link to={link("/security")} className="small">all →</Link>
              </h2>
              {alerts.data?.items.length ? (
                <ul className="list">
                  {alerts.data.items.map((a) => (
                    <li key={a.id}>
                      <SeverityBadge severity={a.severity} />
                      <Link to={link(`/traces/${a.trace_id}`, { span: a.span_id, tab: "alerts" })}>{a.rule}</Link>
                      <span className="muted">{formatRelative(a.time)}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No alerts in this range.</p>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}
