-- Log records (OTLP logs), above all the GenAI content events that
-- instrumentations emit beside their spans (gen_ai.user.message,
-- gen_ai.choice, ...). They are linked to a span by trace and span id, and
-- kept whether or not that span has arrived, or ever does. The id is a
-- digest of the record, so a retried batch is recognised.
CREATE TABLE logs (
    project_id          TEXT NOT NULL,
    id                  TEXT NOT NULL,
    trace_id            TEXT NOT NULL DEFAULT '',
    span_id             TEXT NOT NULL DEFAULT '',
    time_ns             INTEGER NOT NULL,
    observed_time_ns    INTEGER NOT NULL DEFAULT 0,
    severity_number     INTEGER NOT NULL DEFAULT 0,
    severity_text       TEXT NOT NULL DEFAULT '',
    event_name          TEXT NOT NULL DEFAULT '',
    body                TEXT NOT NULL DEFAULT 'null',
    attributes          TEXT NOT NULL DEFAULT '{}',
    resource_attributes TEXT NOT NULL DEFAULT '{}',
    service_name        TEXT NOT NULL DEFAULT '',
    scope_name          TEXT NOT NULL DEFAULT '',
    ingested_at         INTEGER NOT NULL,
    PRIMARY KEY (project_id, id)
) WITHOUT ROWID;
CREATE INDEX logs_project_span ON logs(project_id, trace_id, span_id);
CREATE INDEX logs_project_time ON logs(project_id, time_ns DESC);
