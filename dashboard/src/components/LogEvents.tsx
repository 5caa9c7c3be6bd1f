import { logEventName } from "../lib/chat";
import { formatDuration } from "../lib/format";
import type { LogRecord } from "../lib/types";
import { AttributeRows, Value } from "./KeyValue";

interface Props {
  logs: LogRecord[];
  spanStartNs: number;
}

/** A span's raw log records (GenAI message events), collapsed by default. */
export function LogEvents({ logs, spanStartNs }: Props) {
  if (!logs.length) return null;
  return (
    <details className="log-events" data-testid="log-events">
      <summary>
        Log events <span className="tab-count">{logs.length}</span>
      </summary>
      <ul className="events">
        {logs.map((log) => (
          <LogEventItem key={log.id} log={log} spanStartNs={spanStartNs} />
        ))}
      </ul>
    </details>
  );
}

function LogEventItem({ log, spanStartNs }: { log: LogRecord; spanStartNs: number }) {
  const attrs = log.attributes ?? {};
  return (
    <li className="event" data-testid="log-event">
      <div className="event-head">
        <strong>{logEventName(log) || "(no event name)"}</strong>
        {log.severity_text && <span className="chip">{log.severity_text}</span>}
        {log.time_ns ? <span className="muted">+{formatDuration(offsetMs(log.time_ns, spanStartNs))}</span> : null}
      </div>
      <div className="log-body">
        <Value v={log.body} />
      </div>
      {Object.keys(attrs).length > 0 && <AttributeRows attrs={attrs} />}
    </li>
  );
}

/** ns times lose precision as JS numbers (> 2^53): round the offset to whole µs. */
function offsetMs(timeNs: number, startNs: number): number {
  return Math.round((timeNs - startNs) / 1e3) / 1e3;
}
