-- One row per agentstack.security.alert span event (ARRAY JOIN over the
-- span's events). The id is internal/alertid's: the first 16 bytes of
-- SHA-256 over project, trace, span, the event's position and the rule,
-- each followed by a NUL, so an alert has the same id here as in the
-- embedded store and a retried insert collapses into one row.
CREATE TABLE IF NOT EXISTS agentstack_alerts (
    id            String,
    project_id    LowCardinality(String),
    trace_id      String,
    span_id       String,
    rule          LowCardinality(String),
    type          LowCardinality(String),
    severity      LowCardinality(String),
    score         Int64,
    description   String,
    attribute_key String,
    source        LowCardinality(String),
    preview       String,
    action        LowCardinality(String),
    created_at_ns Int64
) ENGINE = ReplacingMergeTree
ORDER BY (project_id, created_at_ns, id)
TTL toDateTime(intDiv(created_at_ns, 1000000000)) + toIntervalDay({{ttl_days}});

CREATE MATERIALIZED VIEW IF NOT EXISTS agentstack_alerts_mv TO agentstack_alerts AS
SELECT
    lower(hex(substring(SHA256(concat({{project_id}}, '\0', TraceId, '\0', SpanId, '\0',
        toString(ev_index - 1), '\0', ev_attrs['{{alert_rule}}'], '\0')), 1, 16))) AS id,
    {{project_id}} AS project_id,
    TraceId AS trace_id,
    SpanId AS span_id,
    ev_attrs['{{alert_rule}}'] AS rule,
    ev_attrs['{{alert_type}}'] AS type,
    ev_attrs['{{alert_severity}}'] AS severity,
    toInt64(toFloat64OrZero(ev_attrs['{{alert_score}}'])) AS score,
    ev_attrs['{{alert_description}}'] AS description,
    ev_attrs['{{alert_attribute_key}}'] AS attribute_key,
    ev_attrs['{{alert_source}}'] AS source,
    ev_attrs['{{alert_preview}}'] AS preview,
    ev_attrs['{{alert_action}}'] AS action,
    if(toUnixTimestamp64Nano(ev_time) = 0, toInt64(toUnixTimestamp64Nano(Timestamp)) + toInt64(Duration),
        toInt64(toUnixTimestamp64Nano(ev_time))) AS created_at_ns
FROM otel_traces
ARRAY JOIN
    Events.Name AS ev_name,
    Events.Timestamp AS ev_time,
    Events.Attributes AS ev_attrs,
    arrayEnumerate(Events.Name) AS ev_index
WHERE ev_name = '{{alert_event}}' AND {{project_id}} != '';
