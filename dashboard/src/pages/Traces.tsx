import { Link } from "react-router";
import { useTraces } from "../hooks/queries";
import { useProjectLink, useQueryState } from "../lib/urlstate";
import { formatCost, formatDuration, formatRelative, formatTime, formatTokens, plural, shortId } from "../lib/format";
import { TraceFilters, traceParamsFrom } from "../components/TraceFilters";
import { Pagination, StatusBadge } from "../components/Badges";
import { ErrorBox, Skeleton } from "../components/States";
import { FirstTrace } from "../components/FirstTrace";

const SORTS: { key: string; label: string }[] = [
  { key: "start_time", label: "Start" },
  { key: "duration", label: "Duration" },
  { key: "cost", label: "Cost" },
  { key: "span_count", label: "Spans" },
];

export function TracesPage() {
  const [params, update] = useQueryState();
  const apiParams = traceParamsFrom(params);
  const traces = useTraces(apiParams);
  const link = useProjectLink();
  const filtered = [...params.keys()].some((k) => !["project", "page", "sort", "order"].includes(k));
  const sort = params.get("sort") ?? "start_time";
  const order = params.get("order") ?? "desc";

  const sortHeader = (key: string, label: string) => (
    <button
      type="button"
      className={`th-sort ${sort === key ? "active" : ""}`}
      onClick={() => update({ sort: key === "start_time" ? null : key, order: sort === key && order === "desc" ? "asc" : null })}
    >
      {label}
      {sort === key ? (order === "asc" ? " ↑" : " ↓") : ""}
    </button>
  );

  return (
    <div className="page">
      <header className="page-head">
        <h1>Traces</h1>
        {traces.data && <span className="muted">{plural(traces.data.total, "trace")}</span>}
        {traces.isFetching && !traces.isLoading && <span className="spinner small" aria-label="refreshing" />}
      </header>
      <TraceFilters />
      {traces.isLoading ? (
        <Skeleton rows={8} />
      ) : traces.isError ? (
        <ErrorBox error={traces.error} retry={() => traces.refetch()} />
      ) : traces.data && traces.data.items.length === 0 ? (
        filtered ? (
          <div className="state empty">
            <h3>No trace matches these filters</h3>
            <button type="button" className="btn small" onClick={() => update(Object.fromEntries([...params.keys()].filter((k) => k !== "project").map((k) => [k, null])))}>
              Clear filters
            </button>
          </div>
        ) : (
          <FirstTrace />
        )
      ) : (
        traces.data && (
          <>
            <table className="table" data-testid="trace-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th>Service</th>
                  <th>Models</th>
                  <th className="num">{sortHeader("span_count", "Spans")}</th>
                  <th className="num">{sortHeader("duration", "Duration")}</th>
                  <th className="num">Tokens</th>
                  <th className="num">{sortHeader("cost", "Cost")}</th>
                  <th className="num">Alerts</th>
                  <th>{sortHeader("start_time", "Started")}</th>
                </tr>
              </thead>
              <tbody>
                {traces.data.items.map((t) => (
                  <tr key={t.trace_id} data-testid="trace-row" className={t.status === "error" ? "row-error" : ""}>
                    <td>
                      <Link to={link(`/traces/${t.trace_id}`)} className="trace-link">
                        {t.name || "(unnamed)"}
                      </Link>
                      <div className="muted mono small">{shortId(t.trace_id, 16)}</div>
                    </td>
                    <td>
                      <StatusBadge status={t.status} />
                    </td>
                    <td>{t.service_name || <span className="muted">—</span>}</td>
                    <td className="models">{t.models.length ? t.models.map((m) => <span key={m} className="chip">{m}</span>) : <span className="muted">—</span>}</td>
                    <td className="num">{t.span_count}</td>
                    <td className="num">{formatDuration(t.duration_ms)}</td>
                    <td className="num">{t.total_tokens ? formatTokens(t.total_tokens) : "—"}</td>
                    <td className="num">{t.cost_usd ? formatCost(t.cost_usd) : "—"}</td>
                    <td className="num">{t.alert_count ? <span className="pill sev-high">⚠ {t.alert_count}</span> : ""}</td>
                    <td title={formatTime(t.start_time)}>{formatRelative(t.start_time)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination page={traces.data.page} totalPages={traces.data.total_pages} total={traces.data.total} onPage={(p) => update({ page: p > 1 ? p : null })} />
          </>
        )
      )}
      <p className="muted small">Sort: {SORTS.find((s) => s.key === sort)?.label ?? sort}, {order === "asc" ? "ascending" : "descending"}. The list refreshes every 30 s.</p>
    </div>
  );
}
