import { plural } from "../lib/format";
import type { SpanConversation } from "../hooks/useSpanConversation";
import { ChatView } from "./ChatView";
import { LogEvents } from "./LogEvents";
import { ErrorBox, Loading } from "./States";

/** The span panel's conversation: the chat, then the raw log records it came from. */
export function ConversationTab({ conv, spanStartNs }: { conv: SpanConversation; spanStartNs: number }) {
  return (
    <>
      {conv.chat ? <ChatView chat={conv.chat} /> : !conv.loading && !conv.error && <p className="muted">No chat messages in this span's log events.</p>}
      {conv.loading && <Loading label={`Loading ${plural(conv.eventCount, "message event")}…`} />}
      {conv.error != null && <ErrorBox error={conv.error} />}
      <LogEvents logs={conv.logs} spanStartNs={spanStartNs} />
    </>
  );
}
