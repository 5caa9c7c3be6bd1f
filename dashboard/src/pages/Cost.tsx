import { useMemo } from "react";
import { Link } from "react-router";
import { useCost, useTraces } from "../hooks/queries";
import { formatCost, formatCount, formatDuration, formatRelative, formatTokens } from "../lib/format";
import { byModel, PALETTE, pivotCost } from "../lib/series";
import { rangeBounds, useProjectId, useProjectLink, useQueryState } from "../lib/urlstate";
import { CostChart } from "../components/Charts";
import { RangePicker } from "../components/RangePicker";
import { ErrorBox, Skeleton } from "../components/States";

export function CostPage() {
  const [params] = useQueryState();
  const project = useProjectId();
  const link = useProjectLink();
  const { start, end, ms } = rangeBounds(params.get("range"), "7d");
  const bucket = ms > 2 * 86_400_000 ? "day" : "hour";
  const bucketMs = bucket === "day" ? 86_400_000 : 3_600_000;
  const cost = useCost({ project_id: project || undefined, start, end, bucket });
  const top = useTraces({ project_id: project || undefined, start, sort: "cost", order: "desc", page_size: 10, min_cost: 0.0000001 });
  const series = useMemo(() => pivotCost(cost.data?.series ?? [], Date.parse(start), Date.parse(end), bucketMs), [cost.data, start, end, bucketMs]);
  const models = useMemo(() => byModel(cost.data?.series ?? []), [cost.data]);
  const total = cost.data?.total_cost_usd ?? 0;

  return (
    <div className="page">
      <header className="page-head">
        <h1>Cost</h1>
        {cost.data && <span className="big-num" data-testid="cost-total">{formatCost(total)}</span>}
        <RangePicker fallback="7d" />
      </header>
      {cost.isError ? (
        <ErrorBox error={cost.error} retry={() => cost.refetch()} />
      ) : !cost.data ? (
        <Skeleton rows={6} />
      ) : (
        <>
          <section className="panel">
            <h2>Cost over time, by model</h2>
            <CostChart rows={series.rows} models={series.models} bucketMs={bucketMs} height={280} />
          </section>
          <div className="grid2">
            <section className="panel">
              <h2>By model</h2>
              {models.length === 0 ? (
                <p className="muted">No priced LLM calls in this range. Spans with gen_ai.request.model and token counts are priced by the collector.</p>
              ) : (
                <table className="table" data-testid="cost-by-model">
                  <thead>
                    <tr>
                      <th>Model</th>
                      <th className="num">Calls</th>
                      <th className="num">Input</th>
                      <th className="num">Output</th>
                      <th className="num">Cost</th>
                      <th className="num">Share</th>
                    </tr>
                  </thead>
                  <tbody>
                    {models.map((m, i) => (
                      <tr key={m.model}>
                        <td>
                          <span className="dot" style={{ background: PALETTE[i % PALETTE.length] }} /> {m.model}
                        </td>
                        <td className="num">{formatCount(m.calls)}</td>
                        <td className="num">{formatTokens(m.input_tokens)}</td>
                        <td className="num">{formatTokens(m.output_tokens)}</td>
                        <td className="num">{formatCost(m.cost)}</td>
                        <td className="num">{total > 0 ? `${((m.cost / total) * 100).toFixed(1)}%` : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section className="panel">
              <h2>Most expensive traces</h2>
              {top.isError ? (
                <ErrorBox error={top.error} />
              ) : !top.data ? (
                <Skeleton rows={4} />
              ) : top.data.items.length === 0 ? (
                <p className="muted">No priced traces in this range.</p>
              ) : (
                <table className="table" data-testid="top-traces">
                  <tbody>
                    {top.data.items.map((t) => (
                      <tr key={t.trace_id}>
                        <td>
                          <Link to={link(`/traces/${t.trace_id}`)}>{t.name || t.trace_id}</Link>
                          <div className="muted small">{t.models.join(", ")}</div>
                        </td>
                        <td className="num">{formatTokens(t.total_tokens)} tok</td>
                        <td className="num">{formatDuration(t.duration_ms)}</td>
                        <td className="num strong">{formatCost(t.cost_usd)}</td>
                        <td className="muted">{formatRelative(t.start_time)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}
