// The API's shapes (api/openapi/openapi.json). Times come both as RFC 3339
// strings and as nanoseconds since the epoch.

export interface User {
  id: string;
  email: string;
  is_admin: boolean;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_at?: number;
  user: User;
}

export interface Project {
  id: string;
  name: string;
  key_hint: string;
  created_at: string;
  updated_at: string;
}

export interface ProjectWithKey {
  project: Project;
  api_key: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
  total_pages: number;
}

export interface Trace {
  project_id: string;
  trace_id: string;
  name: string;
  service_name: string;
  session_id: string;
  status: "ok" | "error";
  start_time: string;
  end_time: string;
  start_time_ns: number;
  end_time_ns: number;
  duration_ms: number;
  span_count: number;
  error_count: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
  alert_count: number;
  models: string[];
}

export type Attributes = Record<string, unknown>;

export interface SpanEvent {
  name: string;
  time_unix_nano?: number;
  attributes?: Attributes;
}

export interface Span {
  project_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: number;
  start_time: string;
  end_time: string;
  start_time_ns: number;
  end_time_ns: number;
  duration_ms: number;
  status: string;
  status_message: string;
  service_name: string;
  scope_name: string;
  session_id: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
  attributes: Attributes;
  events: SpanEvent[];
  links: unknown[];
  resource_attributes: Attributes;
  /** Log records (GenAI message events) linked to the span; span detail returns them. */
  content_events?: number;
}

export interface Alert {
  id: string;
  project_id: string;
  trace_id: string;
  span_id: string;
  rule: string;
  type: string;
  severity: string;
  score: number;
  description: string;
  attribute_key: string;
  source: string;
  preview: string;
  action: string;
  time: string;
  time_ns: number;
}

export interface TraceDetail {
  trace: Trace;
  spans: Span[];
  alerts: Alert[];
}

/**
 * A log record linked to a span. GenAI instrumentations send one per message
 * of the conversation (gen_ai.user.message, gen_ai.choice, …).
 */
export interface LogRecord {
  id: string;
  trace_id: string;
  span_id: string;
  time?: string;
  time_ns: number;
  severity_number?: number;
  severity_text?: string;
  event_name: string;
  /** The record's body as JSON: a string, or a map such as {content} or {index, finish_reason, message}. */
  body: unknown;
  attributes: Attributes;
}

export interface SpanDetail extends Span {
  alerts: Alert[];
  /** The span's log records, oldest first. */
  logs: LogRecord[];
}

export interface Session {
  project_id: string;
  session_id: string;
  trace_count: number;
  error_count: number;
  first_time: string;
  last_time: string;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
  alert_count: number;
}

export interface SessionDetail {
  session: Session;
  traces: Trace[];
}

export interface CostPoint {
  time: string;
  time_ns: number;
  model: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

export interface CostSeries {
  bucket: "hour" | "day";
  start: string;
  end: string;
  total_cost_usd: number;
  series: CostPoint[];
}

export interface Summary {
  start: string;
  end: string;
  trace_count: number;
  error_count: number;
  error_rate: number;
  span_count: number;
  p50_latency_ms: number;
  p95_latency_ms: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  total_cost_usd: number;
  alert_count: number;
}

export interface TimePoint {
  time: string;
  time_ns: number;
  traces: number;
  errors: number;
  error_rate: number;
  p50_ms: number;
  p95_ms: number;
  tokens: number;
  cost_usd: number;
  alerts: number;
}

export interface TimeSeries {
  bucket: "hour" | "day";
  start: string;
  end: string;
  points: TimePoint[];
}

export type LiveMessage =
  | { type: "span"; data: Span }
  | { type: "alert"; data: Alert }
  | { type: "subscribed"; project_ids: string[] }
  | { type: "pong" }
  | { type: "error"; error: { code: string; message: string } };
