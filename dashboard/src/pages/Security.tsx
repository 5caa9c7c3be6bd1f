import { Link } from "react-router";
import { useAlerts } from "../hooks/queries";
import { formatRelative, formatTime, plural } from "../lib/format";
import { rangeStart, useProjectId, useProjectLink, useQueryState } from "../lib/urlstate";
import { Pagination, SeverityBadge } from "../components/Badges";
import { RangeSelect } from "../components/RangePicker";
import { Empty, ErrorBox, Skeleton } from "../components/States";
import { useEffect, useState } from "react";

const SEVERITIES = ["critical", "high", "medium", "low"];

export function SecurityPage() {
  const [params, update] = useQueryState();
  const project = useProjectId();
  const link = useProjectLink();
  const start = rangeStart(params.get("range"));
  const alerts = useAlerts({
    project_id: project || undefined,
    severity: params.get("severity") ?? undefined,
    rule: params.get("rule") ?? undefined,
    start,
    page: params.get("page") ?? undefined,
    page_size: 50,
  });
  const [rule, setRule] = useState(params.get("rule") ?? "");
  useEffect(() => setRule(params.get("rule") ?? ""), [params]);

  return (
    <div className="page">
      <header className="page-head">
        <h1>Security</h1>
        {alerts.data && <span className="muted">{plural(alerts.data.total, "alert")}</span>}
      </header>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          update({ rule: rule.trim() });
        }}
      >
        <label className="field inline">
          <span>Severity</span>
          <select name="severity" value={params.get("severity") ?? ""} onChange={(e) => update({ severity: e.target.value })}>
            <option value="">Any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Rule</span>
          <input name="rule" value={rule} placeholder="prompt_injection" onChange={(e) => setRule(e.target.value)} />
        </label>
        <label className="field inline">
          <span>Time</span>
          <RangeSelect value={params.get("range") ?? ""} onChange={(e) => update({ range: e.target.value })} />
        </label>
        <button type="submit" className="btn small primary">
          Apply
        </button>
      </form>
      {alerts.isLoading ? (
        <Skeleton rows={6} />
      ) : alerts.isError ? (
        <ErrorBox error={alerts.error} retry={() => alerts.refetch()} />
      ) : alerts.data && alerts.data.items.length === 0 ? (
        <Empty title={params.get("severity") || params.get("rule") ? "No alert matches these filters" : "No security alerts"}>
          <p className="muted">The security processor scans prompts, completions and tool calls for injections, leaked secrets and PII, and records each finding here.</p>
        </Empty>
      ) : (
        alerts.data && (
          <>
            <table className="table" data-testid="alert-table">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Rule</th>
                  <th>Description</th>
                  <th>Where</th>
                  <th>Span</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {alerts.data.items.map((a) => (
                  <tr key={a.id} data-testid="alert-row">
                    <td>
                      <SeverityBadge severity={a.severity} />
                    </td>
                    <td>
                      <button type="button" className="link-btn" onClick={() => update({ rule: a.rule })} title="Filter by this rule">
                        {a.rule}
                      </button>
                      {a.type && <div className="muted small">{a.type}</div>}
                    </td>
                    <td>
                      {a.description}
                      {a.preview && <div className="preview-inline mono small">{a.preview}</div>}
                    </td>
                    <td className="mono small">{a.attribute_key || a.source || "—"}</td>
                    <td className="nowrap">
                      <Link to={link(`/traces/${a.trace_id}`, { span: a.span_id, tab: "alerts" })} className="mono small">
                        {a.span_id.slice(0, 8)}… →
                      </Link>
                    </td>
                    <td title={formatTime(a.time)}>{formatRelative(a.time)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination page={alerts.data.page} totalPages={alerts.data.total_pages} total={alerts.data.total} onPage={(p) => update({ page: p > 1 ? p : null })} />
          </>
        )
      )}
    </div>
  );
}
