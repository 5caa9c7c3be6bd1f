import { describe, expect, it } from "vitest";
import { extractChat, extractChatFromLogs, logEventName, mergeChats } from "./chat";
import type { LogRecord } from "./types";

let seq = 0;
/** A log record as GET /api/v1/spans/{id} returns it. */
function rec(event_name: string, body: unknown, attributes: Record<string, unknown> = {}, time_ns = 1_700_000_000_000_000_000 + ++seq * 1000): LogRecord {
  return { id: `l${seq}`, trace_id: "t".repeat(32), span_id: "s".repeat(16), time_ns, severity_number: 9, severity_text: "INFO", event_name, body, attributes };
}

describe("extractChatFromLogs: message events", () => {
  it("maps system, user, assistant and tool messages to the input, in time order", () => {
    const chat = extractChatFromLogs([
      rec("gen_ai.system.message", { content: "You are terse." }),
      rec("gen_ai.user.message", { content: "Weather in Paris?" }),
      rec("gen_ai.assistant.message", {
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      }),
      rec("gen_ai.tool.message", { content: "rainy, 57°F", id: "call_1" }),
    ]);
    expect(chat?.source).toBe("gen_ai.events");
    expect(chat?.input).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
      { role: "tool", content: "rainy, 57°F", toolCallId: "call_1" },
    ]);
    expect(chat?.output).toEqual([]);
  });

  it("orders records by time, keeping the given order on ties", () => {
    const chat = extractChatFromLogs([
      rec("gen_ai.user.message", { content: "second" }, {}, 2_000),
      rec("gen_ai.system.message", { content: "first" }, {}, 1_000),
      rec("gen_ai.user.message", { content: "third" }, {}, 2_000),
    ]);
    expect(chat?.input.map((m) => m.content)).toEqual(["first", "second", "third"]);
  });

  it("lets the body's role override the event's", () => {
    const chat = extractChatFromLogs([rec("gen_ai.system.message", { role: "developer", content: "Use tools." })]);
    expect(chat?.input).toEqual([{ role: "developer", content: "Use tools." }]);
  });

  it("reads content given as parts", () => {
    const chat = extractChatFromLogs([rec("gen_ai.user.message", { content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] })]);
    expect(chat?.input).toEqual([{ role: "user", content: "a\nb" }]);
  });

  it("renders redacted text as is", () => {
    const chat = extractChatFromLogs([rec("gen_ai.user.message", { content: "my key is [REDACTED:secret.openai_key]" })]);
    expect(chat?.input[0]?.content).toBe("my key is [REDACTED:secret.openai_key]");
  });
});

describe("extractChatFromLogs: gen_ai.choice", () => {
  it("maps a choice to an output message with its finish reason", () => {
    const chat = extractChatFromLogs([
      rec("gen_ai.user.message", { content: "Hi" }),
      rec("gen_ai.choice", { index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hello!" } }),
    ]);
    expect(chat?.input).toEqual([{ role: "user", content: "Hi" }]);
    expect(chat?.output).toEqual([{ role: "assistant", content: "Hello!", finishReason: "stop" }]);
  });

  it("reads a choice's tool calls", () => {
    const chat = extractChatFromLogs([
      rec("gen_ai.choice", {
        index: 0,
        finish_reason: "tool_calls",
        message: { role: "assistant", tool_calls: [{ id: "call_9", type: "function", function: { name: "search", arguments: { q: "lisbon" } } }] },
      }),
    ]);
    expect(chat?.output).toEqual([{ role: "assistant", content: "", finishReason: "tool_calls", toolCalls: [{ id: "call_9", name: "search", arguments: '{"q":"lisbon"}' }] }]);
  });

  it("defaults the choice's role to assistant", () => {
    const chat = extractChatFromLogs([rec("gen_ai.choice", { index: 0, finish_reason: "stop", message: { content: "Done." } })]);
    expect(chat?.output).toEqual([{ role: "assistant", content: "Done.", finishReason: "stop" }]);
  });
});

describe("extractChatFromLogs: gen_ai.client.inference.operation.details", () => {
  const input = [
    { role: "system", parts: [{ type: "text", content: "Be brief." }] },
    { role: "user", parts: [{ type: "text", content: "Capital of France?" }] },
  ];
  const output = [{ role: "assistant", parts: [{ type: "text", content: "Paris." }], finish_reason: "stop" }];

  it("reads structured gen_ai.input/output.messages attributes", () => {
    const chat = extractChatFromLogs([rec("gen_ai.client.inference.operation.details", null, { "gen_ai.input.messages": input, "gen_ai.output.messages": output })]);
    expect(chat?.input).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Capital of France?" },
    ]);
    expect(chat?.output).toEqual([{ role: "assistant", content: "Paris.", finishReason: "stop" }]);
  });

  it("reads the same messages as JSON strings, and ignores a plain-string body", () => {
    const chat = extractChatFromLogs([
      rec("gen_ai.client.inference.operation.details", "GenAI operation details", {
        "gen_ai.input.messages": JSON.stringify(input),
        "gen_ai.output.messages": JSON.stringify(output),
      }),
    ]);
    expect(chat?.input.map((m) => [m.role, m.content])).toEqual([
      ["system", "Be brief."],
      ["user", "Capital of France?"],
    ]);
    expect(chat?.output[0]).toMatchObject({ role: "assistant", content: "Paris." });
  });

  it("reads the system instructions", () => {
    const chat = extractChatFromLogs([
      rec("gen_ai.client.inference.operation.details", null, { "gen_ai.system_instructions": [{ type: "text", content: "Answer in French." }] }),
    ]);
    expect(chat?.input).toEqual([{ role: "system", content: "Answer in French." }]);
  });

  it("falls back to messages in a map body", () => {
    const chat = extractChatFromLogs([rec("gen_ai.client.inference.operation.details", { "gen_ai.output.messages": output })]);
    expect(chat?.output[0]?.content).toBe("Paris.");
  });
});

describe("extractChatFromLogs: bodies and names", () => {
  it("takes a plain-string body as the message text", () => {
    const chat = extractChatFromLogs([rec("gen_ai.user.message", "just text"), rec("gen_ai.choice", "an answer")]);
    expect(chat?.input).toEqual([{ role: "user", content: "just text" }]);
    expect(chat?.output).toEqual([{ role: "assistant", content: "an answer" }]);
  });

  it("decodes a body sent as a JSON string, but keeps JSON-looking user text", () => {
    const chat = extractChatFromLogs([rec("gen_ai.user.message", '{"content":"hello"}'), rec("gen_ai.user.message", '{"a": 1}')]);
    expect(chat?.input).toEqual([
      { role: "user", content: "hello" },
      { role: "user", content: '{"a": 1}' },
    ]);
  });

  it("reads the event name from attributes[event.name]", () => {
    const r = rec("", { content: "from the attribute" }, { "event.name": "gen_ai.user.message" });
    expect(logEventName(r)).toBe("gen_ai.user.message");
    expect(extractChatFromLogs([r])?.input).toEqual([{ role: "user", content: "from the attribute" }]);
  });

  it("ignores empty and unknown shapes without throwing", () => {
    const weird = [
      rec("gen_ai.user.message", null),
      rec("gen_ai.user.message", {}),
      rec("gen_ai.user.message", { content: "   " }),
      rec("gen_ai.user.message", 42),
      rec("gen_ai.assistant.message", { tool_calls: "not a list" }),
      rec("gen_ai.tool.message", []),
      rec("gen_ai.choice", { index: 0, finish_reason: "stop" }),
      rec("gen_ai.choice", { index: 0, message: null }),
      rec("gen_ai.choice", [1, 2]),
      rec("gen_ai.client.inference.operation.details", "only a description"),
      rec("gen_ai.client.inference.operation.details", null, { "gen_ai.input.messages": "[not json" }),
      rec("some.other.event", { content: "not a chat message" }),
      rec("", "no name at all"),
      { ...rec("gen_ai.user.message", { content: "no attributes" }), attributes: null } as unknown as LogRecord,
      null as unknown as LogRecord,
    ];
    let chat: ReturnType<typeof extractChatFromLogs> = null;
    expect(() => (chat = extractChatFromLogs(weird))).not.toThrow();
    // Only the two records that do carry text survive: the non-JSON details
    // attribute as a message, and the user message without attributes.
    expect(chat).toEqual({
      source: "gen_ai.events",
      input: [
        { role: "user", content: "[not json" },
        { role: "user", content: "no attributes" },
      ],
      output: [],
    });
    expect(extractChatFromLogs([])).toBeNull();
    expect(extractChatFromLogs(null)).toBeNull();
    expect(extractChatFromLogs([rec("gen_ai.user.message", {}), rec("other", "x")])).toBeNull();
  });
});

describe("mergeChats", () => {
  it("puts the attributes' messages first and adds the log events' new ones", () => {
    const fromAttrs = extractChat({ "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Hi" }] }]) });
    const fromLogs = extractChatFromLogs([
      rec("gen_ai.user.message", { content: "Hi" }),
      rec("gen_ai.choice", { index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hello!" } }),
    ]);
    const chat = mergeChats(fromAttrs, fromLogs);
    expect(chat?.source).toBe("gen_ai");
    expect(chat?.sources).toEqual(["gen_ai", "gen_ai.events"]);
    expect(chat?.input).toEqual([{ role: "user", content: "Hi" }]);
    expect(chat?.output).toEqual([{ role: "assistant", content: "Hello!", finishReason: "stop" }]);
  });

  it("treats tool calls whose arguments differ only in JSON spacing as the same message", () => {
    const a = extractChat({ "gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.tool_calls.0.name": "f", "gen_ai.completion.0.tool_calls.0.arguments": '{"x":1}' });
    const b = extractChatFromLogs([rec("gen_ai.choice", { message: { tool_calls: [{ id: "c", function: { name: "f", arguments: '{ "x": 1 }' } }] } })]);
    const chat = mergeChats(a, b);
    expect(chat?.output).toHaveLength(1);
    expect(chat?.sources).toEqual(["gen_ai.legacy"]);
  });

  it("keeps repeated messages within one chat, and returns a lone chat as is", () => {
    const logs = extractChatFromLogs([rec("gen_ai.user.message", "yes"), rec("gen_ai.user.message", "yes")]);
    expect(mergeChats(null, logs)).toBe(logs);
    expect(mergeChats(logs, extractChat({}))?.input).toHaveLength(2);
    expect(mergeChats(null, undefined)).toBeNull();
  });
});

import { lastConversationSpan } from "./chat";

describe("lastConversationSpan", () => {
  const sp = (id: string, start: number, attributes: Record<string, unknown> = {}, content_events?: number) => ({ id, start_time_ns: start, attributes, content_events });
  const chatAttrs = { "gen_ai.prompt.0.role": "user", "gen_ai.prompt.0.content": "hi" };

  it("picks the latest span with chat attributes or GenAI log events, whatever the order", () => {
    const spans = [sp("events", 30, {}, 2), sp("root", 0), sp("attrs", 20, chatAttrs), sp("tool", 40, { "tool.name": "x" })];
    expect(lastConversationSpan(spans)?.id).toBe("events");
    expect(lastConversationSpan([sp("attrs", 20, chatAttrs), sp("early-events", 10, {}, 1)])?.id).toBe("attrs");
  });

  it("is null when no span has a conversation", () => {
    expect(lastConversationSpan([sp("root", 0), sp("zero", 5, {}, 0)])).toBeNull();
    expect(lastConversationSpan([])).toBeNull();
  });
});
