-- Cost by project, model and hour (hours on the Unix epoch, UTC, as the
-- embedded store keeps them), summed as spans arrive. Only LLM calls count:
-- spans with a model or a price.
CREATE TABLE IF NOT EXISTS agentstack_cost_hourly (
    project_id    LowCardinality(String),
    model         LowCardinality(String),
    hour_ns       Int64,
    calls         UInt64,
    input_tokens  Int64,
    output_tokens Int64,
    total_tokens  Int64,
    cost_usd      Float64
) ENGINE = SummingMergeTree
ORDER BY (project_id, model, hour_ns)
TTL toDateTime(intDiv(hour_ns, 1000000000)) + toIntervalDay({{ttl_days}});

CREATE MATERIALIZED VIEW IF NOT EXISTS agentstack_cost_hourly_mv TO agentstack_cost_hourly AS
SELECT
    {{project_id}} AS project_id,
    {{model}} AS model,
    intDiv(toInt64(toUnixTimestamp64Nano(Timestamp)), 3600000000000) * 3600000000000 AS hour_ns,
    toUInt64(count()) AS calls,
    sum({{input_tokens}}) AS input_tokens,
    sum({{output_tokens}}) AS output_tokens,
    sum(if({{total_tokens}} = 0, {{input_tokens}} + {{output_tokens}}, {{total_tokens}})) AS total_tokens,
    sum({{cost_usd}}) AS cost_usd
FROM otel_traces
WHERE {{project_id}} != '' AND ({{model}} != '' OR {{cost_usd}} != 0)
GROUP BY project_id, model, hour_ns;
