import { useMemo } from "react";
import { extractChat, extractChatFromLogs, mergeChats, type Chat } from "../lib/chat";
import type { LogRecord, Span } from "../lib/types";
import { useSpan } from "./queries";

const NO_LOGS: LogRecord[] = [];

export interface SpanConversation {
  /** The chat from the span's attributes and its GenAI log events, merged. */
  chat: Chat | null;
  /** The span's log records, oldest first (fetched only when it has some). */
  logs: LogRecord[];
  /** How many log records the trace listing says the span has. */
  eventCount: number;
  loading: boolean;
  error: unknown;
}

/** A span's conversation: its attributes, plus its log records when it has any. */
export function useSpanConversation(span: Span): SpanConversation {
  const eventCount = span.content_events ?? 0;
  const detail = useSpan(eventCount > 0 ? span.span_id : undefined, span.project_id);
  const logs = detail.data?.logs ?? NO_LOGS;
  const fromAttrs = useMemo(() => extractChat(span.attributes), [span.attributes]);
  const chat = useMemo(() => mergeChats(fromAttrs, extractChatFromLogs(logs)), [fromAttrs, logs]);
  return { chat, logs, eventCount, loading: eventCount > 0 && detail.isLoading, error: detail.error };
}
