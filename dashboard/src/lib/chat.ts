// Chat messages carried by LLM spans, in the conventions seen in the wild:
//  - OTel GenAI (current): gen_ai.system_instructions, gen_ai.input.messages
//    and gen_ai.output.messages, JSON arrays of {role, parts:[…]}.
//  - OTel GenAI (legacy, flattened): gen_ai.prompt.N.role/.content and
//    gen_ai.completion.N.role/.content.
//  - OpenInference: llm.input_messages.N.message.role/.content (or
//    .contents.M.message_content.text) and llm.output_messages.N.message.*,
//    with tool calls under .tool_calls.M.tool_call.function.name/arguments.
//  - OpenInference input.value / output.value (text or JSON).
// and, from the span's log records (extractChatFromLogs), the GenAI events
// the official OTel instrumentations send: gen_ai.{system,user,assistant,
// tool}.message, gen_ai.choice and gen_ai.client.inference.operation.details.

import type { Attributes, LogRecord } from "./types";

export type ChatSource = "gen_ai" | "gen_ai.legacy" | "openinference" | "io.value" | "gen_ai.events";

export interface ToolCall {
  id?: string;
  name: string;
  arguments?: string;
}

export interface ChatMessage {
  role: string;
  content: string;
  toolCalls?: ToolCall[];
  /** For a tool result, the id of the call it answers. */
  toolCallId?: string;
  finishReason?: string;
}

export interface Chat {
  source: ChatSource;
  /** For a merged chat, every convention that contributed messages (source first). */
  sources?: ChatSource[];
  input: ChatMessage[];
  output: ChatMessage[];
}

/** The conversation of a span, or null when it carries none. */
export function extractChat(attrs: Attributes | null | undefined): Chat | null {
  if (!attrs) return null;
  return fromGenAI(attrs) ?? fromLegacy(attrs) ?? fromOpenInference(attrs) ?? fromIOValue(attrs);
}

const MESSAGE_EVENTS: Record<string, string> = {
  "gen_ai.system.message": "system",
  "gen_ai.user.message": "user",
  "gen_ai.assistant.message": "assistant",
  "gen_ai.tool.message": "tool",
};
const CHOICE_EVENT = "gen_ai.choice";
const DETAILS_EVENT = "gen_ai.client.inference.operation.details";

/** A log record's event name: the field, or the event.name attribute. */
export function logEventName(log: Pick<LogRecord, "event_name" | "attributes">): string {
  return log.event_name || str(isObj(log.attributes) ? log.attributes["event.name"] : undefined);
}

/**
 * The conversation carried by a span's log records (GenAI events), in time
 * order, or null when they carry none. Unknown events and empty bodies are
 * skipped.
 */
export function extractChatFromLogs(logs: readonly LogRecord[] | null | undefined): Chat | null {
  if (!logs?.length) return null;
  // Stable: records with the same time keep the API's order.
  const ordered = logs
    .filter((log) => isObj(log))
    .map((log, i) => ({ log, i }))
    .sort((x, y) => (Number(x.log.time_ns) || 0) - (Number(y.log.time_ns) || 0) || x.i - y.i);
  const input: ChatMessage[] = [];
  const output: ChatMessage[] = [];
  for (const { log } of ordered) {
    const name = logEventName(log);
    const role = MESSAGE_EVENTS[name];
    if (role) {
      const m = eventMessage(log.body, role);
      if (m) input.push(m);
    } else if (name === CHOICE_EVENT) {
      const m = choiceMessage(log.body);
      if (m) output.push(m);
    } else if (name === DETAILS_EVENT) {
      const c = detailsChat(log);
      if (c) {
        input.push(...c.input);
        output.push(...c.output);
      }
    }
  }
  if (!input.length && !output.length) return null;
  return { source: "gen_ai.events", input, output };
}

/** A gen_ai.*.message body: {content, tool_calls?, id?, role?}, parts, or a string. */
function eventMessage(body: unknown, role: string): ChatMessage | null {
  const v = messageBody(body);
  if (typeof v === "string") return v.trim() ? { role, content: v } : null;
  let m: ChatMessage | null = null;
  if (Array.isArray(v)) m = { role, content: partsText(v) };
  else if (isObj(v)) {
    m = toMessage(v, role);
    if (m && role === "tool" && !m.toolCallId && str(v.id)) m.toolCallId = str(v.id);
  }
  return m && hasContent(m) ? m : null;
}

/** A gen_ai.choice body: {index, finish_reason, message: {role, content, tool_calls}}. */
function choiceMessage(body: unknown): ChatMessage | null {
  const v = messageBody(body);
  if (typeof v === "string") return v.trim() ? { role: "assistant", content: v } : null;
  if (!isObj(v)) return null;
  const m = toMessage(isObj(v.message) ? v.message : v, "assistant");
  if (!m || !hasContent(m)) return null;
  if (typeof v.finish_reason === "string" && v.finish_reason) m.finishReason = v.finish_reason;
  return m;
}

/**
 * A gen_ai.client.inference.operation.details record: the messages are in
 * its attributes (gen_ai.input.messages, …, structured or JSON strings), or
 * else in a map body. A plain-string body is a description, not a message.
 */
function detailsChat(log: LogRecord): Chat | null {
  const fromAttrs = isObj(log.attributes) ? fromGenAI(log.attributes) : null;
  if (fromAttrs) return fromAttrs;
  const body = parseJSON(log.body);
  return isObj(body) ? fromGenAI(body) : null;
}

/** A body, decoded when it is a JSON string of a message; else as is. */
function messageBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  const v = parseJSON(body);
  const keys = ["content", "message", "tool_calls", "parts", "role"];
  return isObj(v) && keys.some((k) => k in v) ? v : body;
}

function hasContent(m: ChatMessage): boolean {
  return m.content.trim() !== "" || (m.toolCalls?.length ?? 0) > 0;
}

/**
 * Merges chats of the same span (e.g. from attributes and from log events):
 * the first one's messages, then the others' that it does not already have.
 */
export function mergeChats(...chats: (Chat | null | undefined)[]): Chat | null {
  const list = chats.filter((c): c is Chat => !!c);
  if (list.length <= 1) return list[0] ?? null;
  const input: ChatMessage[] = [];
  const output: ChatMessage[] = [];
  const sources: ChatSource[] = [];
  for (const c of list) {
    const newIn = c.input.filter((m) => !input.some((x) => sameMessage(x, m)));
    const newOut = c.output.filter((m) => !output.some((x) => sameMessage(x, m)));
    if (newIn.length || newOut.length || !sources.length) {
      for (const s of c.sources ?? [c.source]) if (!sources.includes(s)) sources.push(s);
    }
    input.push(...newIn);
    output.push(...newOut);
  }
  return { source: sources[0] ?? list[0]!.source, sources, input, output };
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  const calls = (m: ChatMessage) => (m.toolCalls ?? []).map((c) => `${c.name}(${normJSON(c.arguments ?? "")})`).join(";");
  return a.role === b.role && a.content.trim() === b.content.trim() && calls(a) === calls(b) && (a.toolCallId ?? "") === (b.toolCallId ?? "");
}

function normJSON(s: string): string {
  const v = parseJSON(s);
  return v == null ? s.trim() : JSON.stringify(v);
}

function fromGenAI(a: Attributes): Chat | null {
  const inRaw = a["gen_ai.input.messages"];
  const outRaw = a["gen_ai.output.messages"];
  const sysRaw = a["gen_ai.system_instructions"];
  if (inRaw == null && outRaw == null && sysRaw == null) return null;
  const input: ChatMessage[] = [];
  const sys = parseJSON(sysRaw);
  if (sys != null) {
    const text = partsText(Array.isArray(sys) ? sys : [sys]);
    if (text) input.push({ role: "system", content: text });
  } else if (typeof sysRaw === "string" && sysRaw) {
    input.push({ role: "system", content: sysRaw });
  }
  input.push(...messagesOf(inRaw));
  const output = messagesOf(outRaw, "assistant");
  if (!input.length && !output.length) return null;
  return { source: "gen_ai", input, output };
}

/** Messages from a JSON string or array: {role, parts} or {role, content}. */
function messagesOf(raw: unknown, defaultRole = "user"): ChatMessage[] {
  const v = parseJSON(raw);
  if (v == null) {
    return typeof raw === "string" && raw.trim() ? [{ role: defaultRole, content: raw }] : [];
  }
  const list = Array.isArray(v) ? v : isObj(v) && Array.isArray(v.messages) ? v.messages : [v];
  const out: ChatMessage[] = [];
  for (const m of list) {
    const msg = toMessage(m, defaultRole);
    if (msg) out.push(msg);
  }
  return out;
}

function toMessage(m: unknown, defaultRole: string): ChatMessage | null {
  if (typeof m === "string") return { role: defaultRole, content: m };
  if (!isObj(m)) return null;
  // OpenAI-style choice: {message:{…}, finish_reason}
  if (isObj(m.message) && m.role == null) {
    const inner = toMessage(m.message, defaultRole);
    if (inner && typeof m.finish_reason === "string") inner.finishReason = m.finish_reason;
    return inner;
  }
  const role = str(m.role) || defaultRole;
  const msg: ChatMessage = { role, content: "" };
  const toolCalls: ToolCall[] = [];
  if (Array.isArray(m.parts)) {
    const texts: string[] = [];
    for (const p of m.parts) {
      if (!isObj(p)) continue;
      const type = str(p.type);
      if (type === "tool_call") {
        toolCalls.push({ id: str(p.id) || undefined, name: str(p.name) || "tool", arguments: stringify(p.arguments) });
      } else if (type === "tool_call_response") {
        msg.toolCallId = str(p.id) || undefined;
        texts.push(stringify(p.response ?? p.result ?? p.content) ?? "");
      } else {
        const t = p.content ?? p.text;
        if (t != null) texts.push(typeof t === "string" ? t : (stringify(t) ?? ""));
        else if (type) texts.push(`[${type}]`);
      }
    }
    msg.content = texts.join("\n");
  } else if (m.content != null) {
    msg.content = Array.isArray(m.content) ? partsText(m.content) : typeof m.content === "string" ? m.content : (stringify(m.content) ?? "");
  }
  if (Array.isArray(m.tool_calls)) {
    for (const c of m.tool_calls) {
      if (!isObj(c)) continue;
      const fn = isObj(c.function) ? c.function : c;
      toolCalls.push({ id: str(c.id) || undefined, name: str(fn.name) || "tool", arguments: stringify(fn.arguments) });
    }
  }
  if (typeof m.tool_call_id === "string") msg.toolCallId = m.tool_call_id;
  if (typeof m.finish_reason === "string") msg.finishReason = m.finish_reason;
  if (toolCalls.length) msg.toolCalls = toolCalls;
  return msg;
}

function partsText(parts: unknown[]): string {
  return parts
    .map((p) => (typeof p === "string" ? p : isObj(p) ? str(p.content) || str(p.text) : ""))
    .filter(Boolean)
    .join("\n");
}

function fromLegacy(a: Attributes): Chat | null {
  const input = indexed(a, "gen_ai.prompt.", (rest) => rest).map((g) => legacyMessage(g, "user"));
  const output = indexed(a, "gen_ai.completion.", (rest) => rest).map((g) => legacyMessage(g, "assistant"));
  if (!input.length && !output.length) return null;
  return { source: "gen_ai.legacy", input, output };
}

function legacyMessage(g: Map<string, unknown>, defaultRole: string): ChatMessage {
  const m: ChatMessage = { role: str(g.get("role")) || defaultRole, content: textOf(g.get("content")) };
  const calls = indexed(Object.fromEntries(g), "tool_calls.", (r) => r).map((c) => ({
    id: str(c.get("id")) || undefined,
    name: str(c.get("name")) || "tool",
    arguments: stringify(c.get("arguments")),
  }));
  if (calls.length) m.toolCalls = calls;
  const fr = str(g.get("finish_reason"));
  if (fr) m.finishReason = fr;
  const tcid = str(g.get("tool_call_id"));
  if (tcid) m.toolCallId = tcid;
  return m;
}

function fromOpenInference(a: Attributes): Chat | null {
  const input = indexed(a, "llm.input_messages.", (rest) => rest.replace(/^message\./, "")).map((g) => oiMessage(g, "user"));
  const output = indexed(a, "llm.output_messages.", (rest) => rest.replace(/^message\./, "")).map((g) => oiMessage(g, "assistant"));
  if (!input.length && !output.length) return null;
  return { source: "openinference", input, output };
}

function oiMessage(g: Map<string, unknown>, defaultRole: string): ChatMessage {
  let content = textOf(g.get("content"));
  if (!content) {
    const parts = indexed(Object.fromEntries(g), "contents.", (r) => r.replace(/^message_content\./, ""));
    content = parts.map((p) => textOf(p.get("text")) || (str(p.get("type")) ? `[${str(p.get("type"))}]` : "")).filter(Boolean).join("\n");
  }
  const m: ChatMessage = { role: str(g.get("role")) || defaultRole, content };
  const calls = indexed(Object.fromEntries(g), "tool_calls.", (r) => r.replace(/^tool_call\./, "")).map((c) => ({
    id: str(c.get("id")) || undefined,
    name: str(c.get("function.name")) || "tool",
    arguments: stringify(c.get("function.arguments")),
  }));
  if (calls.length) m.toolCalls = calls;
  const tcid = str(g.get("tool_call_id"));
  if (tcid) m.toolCallId = tcid;
  return m;
}

function fromIOValue(a: Attributes): Chat | null {
  const inV = a["input.value"];
  const outV = a["output.value"];
  if (inV == null && outV == null) return null;
  const input = ioMessages(inV, "user");
  const output = ioMessages(outV, "assistant");
  if (!input.length && !output.length) return null;
  return { source: "io.value", input, output };
}

function ioMessages(v: unknown, role: string): ChatMessage[] {
  if (v == null || v === "") return [];
  const parsed = parseJSON(v);
  if (parsed != null) {
    if (Array.isArray(parsed) && parsed.every((m) => isObj(m) && ("role" in m || "message" in m))) return messagesOf(parsed, role);
    if (isObj(parsed) && Array.isArray(parsed.messages)) return messagesOf(parsed.messages, role);
    if (isObj(parsed) && Array.isArray(parsed.choices)) return messagesOf(parsed.choices, role);
    return [{ role, content: JSON.stringify(parsed, null, 2) }];
  }
  return [{ role, content: typeof v === "string" ? v : String(v) }];
}

/**
 * Groups flattened attributes PREFIX.N.REST by N (numerically ordered);
 * each group maps rest(REST) to the value. A value may also be a nested
 * array at PREFIX without the dot (PREFIX → [...]).
 */
function indexed(a: Attributes, prefix: string, rest: (r: string) => string): Map<string, unknown>[] {
  const groups = new Map<number, Map<string, unknown>>();
  for (const [k, v] of Object.entries(a)) {
    if (!k.startsWith(prefix)) continue;
    const tail = k.slice(prefix.length);
    const dot = tail.indexOf(".");
    if (dot <= 0) continue;
    const n = Number(tail.slice(0, dot));
    if (!Number.isInteger(n) || n < 0) continue;
    let g = groups.get(n);
    if (!g) groups.set(n, (g = new Map()));
    g.set(rest(tail.slice(dot + 1)), v);
  }
  return [...groups.entries()].sort((x, y) => x[0] - y[0]).map(([, g]) => g);
}

function parseJSON(v: unknown): unknown {
  if (v == null) return null;
  if (typeof v !== "string") return typeof v === "object" ? v : null;
  const s = v.trim();
  if (!(s.startsWith("[") || s.startsWith("{"))) return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return null;
  }
}

function textOf(v: unknown): string {
  if (v == null) return "";
  if (typeof v === "string") return v;
  return stringify(v) ?? "";
}

function stringify(v: unknown): string | undefined {
  if (v == null) return undefined;
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function str(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The span whose conversation stands for a turn: the latest-starting span
 * that carries chat in its attributes or has GenAI log events (whose
 * messages are fetched with the span). The last LLM exchange carries the
 * whole history.
 */
export function lastConversationSpan<S extends { start_time_ns: number; attributes: Attributes; content_events?: number }>(spans: readonly S[]): S | null {
  let best: S | null = null;
  for (const s of spans) {
    if (best && s.start_time_ns < best.start_time_ns) continue;
    if ((s.content_events ?? 0) > 0 || extractChat(s.attributes)) best = s;
  }
  return best;
}
