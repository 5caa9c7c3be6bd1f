import type { Chat, ChatMessage } from "../lib/chat";

const SOURCE_LABEL: Record<Chat["source"], string> = {
  gen_ai: "OpenTelemetry GenAI (gen_ai.input/output.messages)",
  "gen_ai.legacy": "OpenTelemetry GenAI, legacy (gen_ai.prompt / gen_ai.completion)",
  openinference: "OpenInference (llm.input_messages / llm.output_messages)",
  "io.value": "OpenInference input.value / output.value",
  "gen_ai.events": "OpenTelemetry GenAI log events (gen_ai.*.message / gen_ai.choice)",
};

export function ChatView({ chat }: { chat: Chat }) {
  return (
    <div className="chat" data-testid="chat">
      <div className="muted small" data-testid="chat-source">
        From {(chat.sources ?? [chat.source]).map((s) => SOURCE_LABEL[s]).join(" and ")}
      </div>
      {chat.input.map((m, i) => (
        <Message key={`i${i}`} m={m} />
      ))}
      {chat.output.length > 0 && <div className="chat-divider">response</div>}
      {chat.output.map((m, i) => (
        <Message key={`o${i}`} m={m} />
      ))}
    </div>
  );
}

function Message({ m }: { m: ChatMessage }) {
  const role = m.role.toLowerCase();
  const cls = ["system", "user", "assistant", "tool"].includes(role) ? role : "other";
  return (
    <div className={`msg msg-${cls}`} data-testid="chat-message" data-role={role}>
      <div className="msg-role">
        {role}
        {m.toolCallId && <span className="muted small"> · answers {m.toolCallId}</span>}
        {m.finishReason && <span className="muted small"> · {m.finishReason}</span>}
      </div>
      {m.content && <div className="msg-body">{m.content}</div>}
      {m.toolCalls?.map((c, i) => (
        <div key={i} className="msg-tool">
          <span className="chip">call {c.name}</span>
          {c.id && <span className="muted small"> {c.id}</span>}
          {c.arguments && <pre>{prettyJSON(c.arguments)}</pre>}
        </div>
      ))}
    </div>
  );
}

function prettyJSON(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}
