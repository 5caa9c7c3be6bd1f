import { Link } from "react-router";
import { useSessions } from "../hooks/queries";
import { formatCost, formatDuration, formatRelative, formatTime, formatTokens } from "../lib/format";
import { rangeStart, useProjectId, useProjectLink, useQueryState } from "../lib/urlstate";
import { Pagination } from "../components/Badges";
import { RangeSelect } from "../components/RangePicker";
import { Empty, ErrorBox, Skeleton } from "../components/States";

export function SessionsPage() {
  const [params, update] = useQueryState();
  const project = useProjectId();
  const link = useProjectLink();
  const start = rangeStart(params.get("range"));
  const sessions = useSessions({ project_id: project || undefined, start, page: params.get("page") ?? undefined, page_size: 50 });

  return (
    <div className="page">
      <header className="page-head">
        <h1>Sessions</h1>
        <RangeSelect aria-label="Time range" value={params.get("range") ?? ""} onChange={(e) => update({ range: e.target.value })} />
      </header>
      <p className="muted">A session groups the traces of one multi-turn conversation (spans carrying session.id or gen_ai.conversation.id).</p>
      {sessions.isLoading ? (
        <Skeleton rows={6} />
      ) : sessions.isError ? (
        <ErrorBox error={sessions.error} retry={() => sessions.refetch()} />
      ) : sessions.data && sessions.data.items.length === 0 ? (
        <Empty title="No sessions yet">
          <p className="muted">
            Set the attribute <code>gen_ai.conversation.id</code> (or <code>session.id</code>) on your agent's spans, the same value on every turn of a
            conversation, and its traces are grouped here.
          </p>
        </Empty>
      ) : (
        sessions.data && (
          <>
            <table className="table" data-testid="session-table">
              <thead>
                <tr>
                  <th>Session</th>
                  <th className="num">Turns</th>
                  <th className="num">Errors</th>
                  <th className="num">Span of time</th>
                  <th className="num">Tokens</th>
                  <th className="num">Cost</th>
                  <th className="num">Alerts</th>
                  <th>Last activity</th>
                </tr>
              </thead>
              <tbody>
                {sessions.data.items.map((s) => (
                  <tr key={`${s.project_id}/${s.session_id}`}>
                    <td>
                      <Link to={link(`/sessions/${encodeURIComponent(s.session_id)}`)} className="mono">
                        {s.session_id}
                      </Link>
                    </td>
                    <td className="num">{s.trace_count}</td>
                    <td className="num">{s.error_count || ""}</td>
                    <td className="num">{formatDuration(Date.parse(s.last_time) - Date.parse(s.first_time))}</td>
                    <td className="num">{formatTokens(s.total_tokens)}</td>
                    <td className="num">{formatCost(s.cost_usd)}</td>
                    <td className="num">{s.alert_count ? <span className="pill sev-high">⚠ {s.alert_count}</span> : ""}</td>
                    <td title={formatTime(s.last_time)}>{formatRelative(s.last_time)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination page={sessions.data.page} totalPages={sessions.data.total_pages} total={sessions.data.total} onPage={(p) => update({ page: p > 1 ? p : null })} />
          </>
        )
      )}
    </div>
  );
}
