import { describe, expect, it } from "vitest";
import { extractChat } from "./chat";

describe("extractChat: OTel GenAI current (gen_ai.input/output.messages)", () => {
  it("reads parts, system instructions, tool calls and tool results", () => {
    const chat = extractChat({
      "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: "You are terse." }]),
      "gen_ai.input.messages": JSON.stringify([
        { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
        { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: "rainy, 57°F" }] },
      ]),
      "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Rainy and 57°F." }], finish_reason: "stop" }]),
    });
    expect(chat?.source).toBe("gen_ai");
    expect(chat?.input.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(chat?.input[0]?.content).toBe("You are terse.");
    expect(chat?.input[1]?.content).toBe("Weather in Paris?");
    expect(chat?.input[2]?.toolCalls).toEqual([{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }]);
    expect(chat?.input[3]).toMatchObject({ role: "tool", toolCallId: "call_1", content: "rainy, 57°F" });
    expect(chat?.output).toEqual([{ role: "assistant", content: "Rainy and 57°F.", finishReason: "stop" }]);
  });

  it("accepts already-decoded arrays and {role, content} messages", () => {
    const chat = extractChat({ "gen_ai.input.messages": [{ role: "user", content: "hi" }] });
    expect(chat?.input).toEqual([{ role: "user", content: "hi" }]);
    expect(chat?.output).toEqual([]);
  });

  it("keeps a non-JSON string as one message", () => {
    const chat = extractChat({ "gen_ai.output.messages": "plain answer" });
    expect(chat?.output).toEqual([{ role: "assistant", content: "plain answer" }]);
  });
});

describe("extractChat: OTel GenAI legacy (gen_ai.prompt.N / gen_ai.completion.N)", () => {
  it("groups flattened attributes by index, in numeric order", () => {
    const chat = extractChat({
      "gen_ai.prompt.10.role": "user",
      "gen_ai.prompt.10.content": "eleventh",
      "gen_ai.prompt.0.role": "system",
      "gen_ai.prompt.0.content": "Be nice.",
      "gen_ai.prompt.1.role": "user",
      "gen_ai.prompt.1.content": "Hello",
      "gen_ai.completion.0.role": "assistant",
      "gen_ai.completion.0.content": "Hi there!",
      "gen_ai.completion.0.finish_reason": "stop",
      "gen_ai.request.model": "gpt-4o",
    });
    expect(chat?.source).toBe("gen_ai.legacy");
    expect(chat?.input.map((m) => [m.role, m.content])).toEqual([
      ["system", "Be nice."],
      ["user", "Hello"],
      ["user", "eleventh"],
    ]);
    expect(chat?.output).toEqual([{ role: "assistant", content: "Hi there!", finishReason: "stop" }]);
  });

  it("reads legacy tool calls", () => {
    const chat = extractChat({
      "gen_ai.completion.0.role": "assistant",
      "gen_ai.completion.0.tool_calls.0.id": "c1",
      "gen_ai.completion.0.tool_calls.0.name": "search",
      "gen_ai.completion.0.tool_calls.0.arguments": '{"q":"x"}',
    });
    expect(chat?.output[0]?.toolCalls).toEqual([{ id: "c1", name: "search", arguments: '{"q":"x"}' }]);
  });
});

describe("extractChat: OpenInference", () => {
  it("reads llm.input_messages and llm.output_messages", () => {
    const chat = extractChat({
      "llm.input_messages.0.message.role": "system",
      "llm.input_messages.0.message.content": "You help.",
      "llm.input_messages.1.message.role": "user",
      "llm.input_messages.1.message.contents.0.message_content.type": "text",
      "llm.input_messages.1.message.contents.0.message_content.text": "Part one",
      "llm.input_messages.1.message.contents.1.message_content.text": "Part two",
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.content": "Done.",
      "llm.output_messages.0.message.tool_calls.0.tool_call.id": "t1",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "lookup",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"id":7}',
      "input.value": "ignored when messages exist",
    });
    expect(chat?.source).toBe("openinference");
    expect(chat?.input).toEqual([
      { role: "system", content: "You help." },
      { role: "user", content: "Part one\nPart two" },
    ]);
    expect(chat?.output).toEqual([{ role: "assistant", content: "Done.", toolCalls: [{ id: "t1", name: "lookup", arguments: '{"id":7}' }] }]);
  });

  it("falls back to input.value / output.value, text or JSON", () => {
    expect(extractChat({ "input.value": "What is 2+2?", "output.value": "4" })).toEqual({
      source: "io.value",
      input: [{ role: "user", content: "What is 2+2?" }],
      output: [{ role: "assistant", content: "4" }],
    });
    const json = extractChat({ "input.value": JSON.stringify({ messages: [{ role: "user", content: "hey" }] }), "output.value": JSON.stringify({ answer: 42 }) });
    expect(json?.input).toEqual([{ role: "user", content: "hey" }]);
    expect(json?.output[0]?.content).toContain('"answer": 42');
  });
});

describe("extractChat: no conversation", () => {
  it("returns null for spans without chat attributes", () => {
    expect(extractChat({ "http.method": "GET", "gen_ai.request.model": "gpt-4o" })).toBeNull();
    expect(extractChat({})).toBeNull();
    expect(extractChat(undefined)).toBeNull();
  });
  it("prefers the current convention over the legacy one", () => {
    const chat = extractChat({ "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"new"}]}]', "gen_ai.prompt.0.content": "old" });
    expect(chat?.source).toBe("gen_ai");
    expect(chat?.input[0]?.content).toBe("new");
  });
});
