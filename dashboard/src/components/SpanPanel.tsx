import { useState } from "react";
import { Link } from "react-router";
import { formatCost, formatDuration, formatTime, formatTokens } from "../lib/format";
import { useSpanConversation } from "../hooks/useSpanConversation";
import type { Alert, Attributes, Span } from "../lib/types";
import { useProjectLink, useQueryState } from "../lib/urlstate";
import { SeverityBadge, StatusBadge } from "./Badges";
import { ConversationTab } from "./ConversationTab";
import { CopyButton } from "./CopyButton";
import { AttributeRow, AttributeRows } from "./KeyValue";

type Tab = "chat" | "attributes" | "events" | "alerts";

interface Props {
  span: Span;
  alerts: Alert[];
  traceStartNs: number;
  onClose: () => void;
}

export function SpanPanel({ span, alerts, traceStartNs, onClose }: Props) {
  const [params, update] = useQueryState();
  const conv = useSpanConversation(span);
  const { chat } = conv;
  const hasChat = !!chat || conv.eventCount > 0;
  const tabs: { key: Tab; label: string; count?: number }[] = [
    ...(hasChat ? [{ key: "chat" as Tab, label: "Conversation", count: chat ? chat.input.length + chat.output.length : 0 }] : []),
    { key: "attributes", label: "Attributes", count: Object.keys(span.attributes ?? {}).length },
    { key: "events", label: "Events", count: span.events?.length ?? 0 },
    { key: "alerts", label: "Alerts", count: alerts.length },
  ];
  const requested = params.get("tab") as Tab | null;
  const tab: Tab = tabs.some((t) => t.key === requested) ? requested! : hasChat ? "chat" : "attributes";
  const isError = span.status.toUpperCase() === "ERROR";

  return (
    <aside className="span-panel" data-testid="span-panel" aria-label="Span details">
      <div className="span-head">
        <div className="span-title">
          <h2 title={span.name}>{span.name || "(unnamed)"}</h2>
          <button type="button" className="btn small ghost" onClick={onClose} aria-label="Close span panel">
            ✕
          </button>
        </div>
        <div className="span-meta">
          <StatusBadge status={isError ? "error" : "ok"} />
          <span>{formatDuration(span.duration_ms)}</span>
          <span className="muted">at +{formatDuration((span.start_time_ns - traceStartNs) / 1e6)}</span>
          {span.service_name && <span className="chip">{span.service_name}</span>}
        </div>
        {isError && span.status_message && <div className="state error small">{span.status_message}</div>}
        {(span.model || span.total_tokens > 0) && (
          <div className="span-llm" data-testid="span-llm">
            <span className="chip llm">{span.model || "LLM"}</span>
            {span.total_tokens > 0 ? (
              <span>
                {formatTokens(span.input_tokens)} in · {formatTokens(span.output_tokens)} out
              </span>
            ) : (
              <span className="muted">no token usage recorded</span>
            )}
            {span.cost_usd > 0 && <span className="strong">{formatCost(span.cost_usd)}</span>}
          </div>
        )}
        <dl className="span-ids">
          <dt>span</dt>
          <dd className="mono">
            {span.span_id} <CopyButton text={span.span_id} label="copy" />
          </dd>
          {span.parent_span_id && (
            <>
              <dt>parent</dt>
              <dd className="mono">{span.parent_span_id}</dd>
            </>
          )}
          <dt>started</dt>
          <dd>{formatTime(span.start_time)}</dd>
          {span.session_id && (
            <>
              <dt>session</dt>
              <dd>
                <SessionLink id={span.session_id} />
              </dd>
            </>
          )}
        </dl>
      </div>
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t.key} type="button" role="tab" aria-selected={tab === t.key} className={tab === t.key ? "tab active" : "tab"} onClick={() => update({ tab: t.key }, { replace: true, keepPage: true })}>
            {t.label}
            {t.count ? <span className="tab-count">{t.count}</span> : null}
          </button>
        ))}
      </div>
      <div className="span-body">
        {tab === "chat" && <ConversationTab conv={conv} spanStartNs={span.start_time_ns} />}
        {tab === "attributes" && <AttributeTable attrs={span.attributes} resource={span.resource_attributes} />}
        {tab === "events" && <EventList span={span} />}
        {tab === "alerts" && <AlertList alerts={alerts} />}
      </div>
    </aside>
  );
}

function SessionLink({ id }: { id: string }) {
  const link = useProjectLink();
  return <Link to={link(`/sessions/${encodeURIComponent(id)}`)}>{id}</Link>;
}

export function AttributeTable({ attrs, resource }: { attrs: Attributes; resource?: Attributes }) {
  const [filter, setFilter] = useState("");
  const f = filter.toLowerCase();
  const rows = (a: Attributes | undefined) =>
    Object.entries(a ?? {})
      .filter(([k, v]) => !f || k.toLowerCase().includes(f) || String(v).toLowerCase().includes(f))
      .sort(([a], [b]) => a.localeCompare(b));
  const main = rows(attrs);
  const res = rows(resource);
  return (
    <div>
      <input className="filter-input" type="search" placeholder="Filter attributes" value={filter} onChange={(e) => setFilter(e.target.value)} />
      <table className="kv" data-testid="attributes">
        <tbody>
          {main.map(([k, v]) => (
            <AttributeRow key={k} k={k} v={v} />
          ))}
          {main.length === 0 && (
            <tr>
              <td className="muted">No attributes.</td>
            </tr>
          )}
        </tbody>
      </table>
      {res.length > 0 && (
        <>
          <h4 className="section">Resource</h4>
          <table className="kv">
            <tbody>
              {res.map(([k, v]) => (
                <AttributeRow key={k} k={k} v={v} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function EventList({ span }: { span: Span }) {
  const events = span.events ?? [];
  if (!events.length) return <p className="muted">No events.</p>;
  return (
    <ul className="events" data-testid="events">
      {events.map((e, i) => (
        <li key={i} className={e.name === "agentstack.security.alert" ? "event alert" : e.name === "exception" ? "event error" : "event"}>
          <div className="event-head">
            <strong>{e.name}</strong>
            {e.time_unix_nano ? <span className="muted">+{formatDuration((e.time_unix_nano - span.start_time_ns) / 1e6)}</span> : null}
          </div>
          {e.attributes && Object.keys(e.attributes).length > 0 && <AttributeRows attrs={e.attributes} />}
        </li>
      ))}
    </ul>
  );
}

export function AlertList({ alerts }: { alerts: Alert[] }) {
  if (!alerts.length) return <p className="muted">No security alerts on this span.</p>;
  return (
    <ul className="alerts" data-testid="span-alerts">
      {alerts.map((a) => (
        <li key={a.id} className={`alert-item sev-border-${a.severity.toLowerCase()}`}>
          <div className="alert-head">
            <SeverityBadge severity={a.severity} />
            <strong>{a.rule}</strong>
            {a.type && <span className="chip">{a.type}</span>}
            {a.score ? <span className="muted">score {a.score}</span> : null}
          </div>
          {a.description && <p>{a.description}</p>}
          {a.attribute_key && (
            <div className="muted small">
              in <code>{a.attribute_key}</code>
            </div>
          )}
          {a.preview && <pre className="preview">{a.preview}</pre>}
        </li>
      ))}
    </ul>
  );
}
