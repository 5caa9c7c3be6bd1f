-- Applied on every run, after the migrations, so that changing --ttl-days
-- later takes effect on tables that already exist.
ALTER TABLE otel_traces MODIFY TTL toDateTime(Timestamp) + toIntervalDay({{ttl_days}});
ALTER TABLE agentstack_spans MODIFY TTL toDateTime(intDiv(start_time_ns, 1000000000)) + toIntervalDay({{ttl_days}});
ALTER TABLE agentstack_traces MODIFY TTL toDateTime(intDiv(start_time_ns, 1000000000)) + toIntervalDay({{ttl_days}});
ALTER TABLE agentstack_cost_hourly MODIFY TTL toDateTime(intDiv(hour_ns, 1000000000)) + toIntervalDay({{ttl_days}});
ALTER TABLE agentstack_alerts MODIFY TTL toDateTime(intDiv(created_at_ns, 1000000000)) + toIntervalDay({{ttl_days}});
