-- Spans by project and trace, with the columns the API filters on pulled
-- out of the attribute maps (the same precedence as internal/convert). The
-- exporter's table is ordered for service dashboards; the API asks "this
-- project's trace" and "this project's span", so it reads this copy.
-- ReplacingMergeTree drops the copies an exporter retry inserts (at merge
-- time; the reader adds FINAL).
CREATE TABLE IF NOT EXISTS agentstack_spans (
    project_id          LowCardinality(String),
    trace_id            String,
    span_id             String,
    parent_span_id      String,
    name                LowCardinality(String),
    kind                UInt8,
    start_time_ns       Int64,
    end_time_ns         Int64,
    status_code         LowCardinality(String),
    status_message      String,
    service_name        LowCardinality(String),
    scope_name          String,
    attributes          Map(LowCardinality(String), String),
    resource_attributes Map(LowCardinality(String), String),
    events_time_ns      Array(Int64),
    events_name         Array(LowCardinality(String)),
    events_attributes   Array(Map(LowCardinality(String), String)),
    links_trace_id      Array(String),
    links_span_id       Array(String),
    links_attributes    Array(Map(LowCardinality(String), String)),
    session_id          String,
    model               LowCardinality(String),
    input_tokens        Int64,
    output_tokens       Int64,
    total_tokens        Int64,
    cost_usd            Float64,
    INDEX idx_span_id span_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_start start_time_ns TYPE minmax GRANULARITY 1,
    INDEX idx_name name TYPE tokenbf_v1(8192, 3, 0) GRANULARITY 4
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(start_time_ns, 1000000000)))
ORDER BY (project_id, trace_id, span_id)
TTL toDateTime(intDiv(start_time_ns, 1000000000)) + toIntervalDay({{ttl_days}})
SETTINGS ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS agentstack_spans_mv TO agentstack_spans AS
SELECT
    {{project_id}} AS project_id,
    TraceId AS trace_id,
    SpanId AS span_id,
    ParentSpanId AS parent_span_id,
    SpanName AS name,
    toUInt8(multiIf(SpanKind = 'Internal', 1, SpanKind = 'Server', 2, SpanKind = 'Client', 3,
        SpanKind = 'Producer', 4, SpanKind = 'Consumer', 5, 0)) AS kind,
    toInt64(toUnixTimestamp64Nano(Timestamp)) AS start_time_ns,
    toInt64(toUnixTimestamp64Nano(Timestamp)) + toInt64(Duration) AS end_time_ns,
    multiIf(StatusCode = 'Error', 'ERROR', StatusCode = 'Ok', 'OK', 'UNSET') AS status_code,
    StatusMessage AS status_message,
    ServiceName AS service_name,
    ScopeName AS scope_name,
    SpanAttributes AS attributes,
    ResourceAttributes AS resource_attributes,
    arrayMap(t -> toInt64(toUnixTimestamp64Nano(t)), Events.Timestamp) AS events_time_ns,
    Events.Name AS events_name,
    Events.Attributes AS events_attributes,
    Links.TraceId AS links_trace_id,
    Links.SpanId AS links_span_id,
    Links.Attributes AS links_attributes,
    {{session_id}} AS session_id,
    {{model}} AS model,
    {{input_tokens}} AS input_tokens,
    {{output_tokens}} AS output_tokens,
    if({{total_tokens}} = 0, {{input_tokens}} + {{output_tokens}}, {{total_tokens}}) AS total_tokens,
    {{cost_usd}} AS cost_usd
FROM otel_traces
WHERE {{project_id}} != '';
