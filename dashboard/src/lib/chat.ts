// Chat messages carried by LLM spans, in the conventions seen in the wild:
//  - OTel GenAI (current): gen_ai.system_instructions, gen_ai.input.messages
//    and gen_ai.output.messages, JSON arrays of {role, parts:[…]}.
//  - OTel GenAI (legacy, flattened): gen_ai.prompt.N.role/.content and
//    gen_ai.completion.N.role/.content.
//  - OpenInference: llm.input_messages.N.message.role/.content (or
//    .contents.M.message_content.text) and llm.output_messages.N.message.*,
//    with tool calls under .tool_calls.M.tool_call.function.name/arguments.
//  - OpenInference input.value / output.value (text or JSON).

import type { Attributes } from "./types";

export type ChatSource = "gen_ai" | "gen_ai.legacy" | "openinference" | "io.value";

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
  input: ChatMessage[];
  output: ChatMessage[];
}

/** The conversation of a span, or null when it carries none. */
export function extractChat(attrs: Attributes | null | undefined): Chat | null {
  if (!attrs) return null;
  return fromGenAI(attrs) ?? fromLegacy(attrs) ?? fromOpenInference(attrs) ?? fromIOValue(attrs);
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
