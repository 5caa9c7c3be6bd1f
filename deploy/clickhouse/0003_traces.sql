-- One row per trace for fast lists, rolled up from agentstack_spans as
-- spans arrive (in any order, over any number of inserts). The root span
-- (no parent) names the trace; until it arrives the earliest span does.
-- The session is the root's, else the earliest span's that has one.
-- Read with -Merge and GROUP BY (internal/chstore).
CREATE TABLE IF NOT EXISTS agentstack_traces (
    project_id     LowCardinality(String),
    trace_id       String,
    root_span_name AggregateFunction(argMin, String, Tuple(UInt8, Int64)),
    service_name   AggregateFunction(argMin, String, Tuple(UInt8, Int64)),
    session_id     AggregateFunction(argMin, String, Tuple(UInt8, UInt8, Int64)),
    start_time_ns  SimpleAggregateFunction(min, Int64),
    end_time_ns    SimpleAggregateFunction(max, Int64),
    span_count     SimpleAggregateFunction(sum, UInt64),
    error_count    SimpleAggregateFunction(sum, UInt64),
    input_tokens   SimpleAggregateFunction(sum, Int64),
    output_tokens  SimpleAggregateFunction(sum, Int64),
    total_tokens   SimpleAggregateFunction(sum, Int64),
    cost_usd       SimpleAggregateFunction(sum, Float64),
    alert_count    SimpleAggregateFunction(sum, UInt64),
    models         SimpleAggregateFunction(groupUniqArrayArray, Array(String))
) ENGINE = AggregatingMergeTree
ORDER BY (project_id, trace_id)
TTL toDateTime(intDiv(start_time_ns, 1000000000)) + toIntervalDay({{ttl_days}});

CREATE MATERIALIZED VIEW IF NOT EXISTS agentstack_traces_mv TO agentstack_traces AS
SELECT
    project_id,
    trace_id,
    argMinState(toString(name), (toUInt8(parent_span_id != ''), start_time_ns)) AS root_span_name,
    argMinState(toString(service_name), (toUInt8(parent_span_id != ''), start_time_ns)) AS service_name,
    argMinState(session_id, (toUInt8(session_id = ''), toUInt8(parent_span_id != ''), start_time_ns)) AS session_id,
    min(start_time_ns) AS start_time_ns,
    max(end_time_ns) AS end_time_ns,
    toUInt64(count()) AS span_count,
    toUInt64(countIf(status_code = 'ERROR')) AS error_count,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(total_tokens) AS total_tokens,
    sum(cost_usd) AS cost_usd,
    toUInt64(sum(countEqual(events_name, '{{alert_event}}'))) AS alert_count,
    groupUniqArrayIf(toString(model), model != '') AS models
FROM agentstack_spans
GROUP BY project_id, trace_id;
