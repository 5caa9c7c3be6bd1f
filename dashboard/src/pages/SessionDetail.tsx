import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { useSession, useTrace } from "../hooks/queries";
import { ApiError } from "../lib/api";
import { lastConversationSpan } from "../lib/chat";
import { useSpanConversation } from "../hooks/useSpanConversation";
import { formatCost, formatDuration, formatTime, formatTokens } from "../lib/format";
import type { Span, Trace } from "../lib/types";
import { useProjectLink } from "../lib/urlstate";
import { Stat, StatusBadge } from "../components/Badges";
import { ChatView } from "../components/ChatView";
import { ErrorBox, Loading } from "../components/States";

export function SessionDetailPage() {
  const { sessionId } = useParams();
  const s = useSession(sessionId);
  const link = useProjectLink();
  if (s.isLoading) return <Loading />;
  if (s.isError) {
    if (s.error instanceof ApiError && s.error.status === 404)
      return (
        <div className="page">
          <h1>Session not found</h1>
          <Link to={link("/sessions")}>← Sessions</Link>
        </div>
      );
    return <ErrorBox error={s.error} retry={() => s.refetch()} />;
  }
  if (!s.data) return null;
  const { session, traces } = s.data;
  return (
    <div className="page">
      <header className="page-head">
        <Link to={link("/sessions")} className="muted">
          ← Sessions
        </Link>
        <h1 className="mono">{session.session_id}</h1>
      </header>
      <div className="trace-summary">
        <Stat label="Turns" value={session.trace_count} />
        <Stat label="Tokens" value={formatTokens(session.total_tokens)} />
        <Stat label="Cost" value={formatCost(session.cost_usd)} />
        <Stat label="Alerts" value={session.alert_count} />
        <Stat label="From" value={formatTime(session.first_time)} />
      </div>
      <ol className="turns" data-testid="turns">
        {traces.map((t, i) => (
          <Turn key={t.trace_id} n={i + 1} trace={t} defaultOpen={i >= traces.length - 3} />
        ))}
      </ol>
    </div>
  );
}

function Turn({ n, trace, defaultOpen }: { n: number; trace: Trace; defaultOpen: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const link = useProjectLink();
  return (
    <li className="turn">
      <div className="turn-head">
        <button type="button" className="wf-toggle" onClick={() => setOpen(!open)} aria-label={open ? "collapse" : "expand"}>
          {open ? "▾" : "▸"}
        </button>
        <span className="turn-n">#{n}</span>
        <Link to={link(`/traces/${trace.trace_id}`)}>{trace.name || trace.trace_id}</Link>
        <StatusBadge status={trace.status} />
        <span className="muted">
          {formatTime(trace.start_time)} · {formatDuration(trace.duration_ms)} · {formatTokens(trace.total_tokens)} tok · {formatCost(trace.cost_usd)}
        </span>
        {trace.alert_count > 0 && <span className="pill sev-high">⚠ {trace.alert_count}</span>}
      </div>
      {open && <TurnConversation traceId={trace.trace_id} />}
    </li>
  );
}

/**
 * The conversation of a turn: the last LLM exchange of the turn (it carries
 * the whole history), from its attributes and, when the span has GenAI log
 * events, from those.
 */
function TurnConversation({ traceId }: { traceId: string }) {
  const t = useTrace(traceId);
  const span = useMemo(() => lastConversationSpan(t.data?.spans ?? []), [t.data]);
  if (t.isLoading) return <Loading />;
  if (t.isError) return <ErrorBox error={t.error} />;
  if (!span) return <NoChat />;
  return <SpanChat key={span.span_id} span={span} />;
}

function NoChat() {
  return <p className="muted small">No chat messages recorded in this turn.</p>;
}

function SpanChat({ span }: { span: Span }) {
  const c = useSpanConversation(span);
  if (c.loading) return <Loading />;
  if (c.error && !c.chat) return <ErrorBox error={c.error} />;
  if (!c.chat) return <NoChat />;
  return <ChatView chat={c.chat} />;
}
