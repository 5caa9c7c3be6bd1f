-- Users of the dashboard and API. Passwords are stored as bcrypt hashes.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Projects own spans. Only the SHA-256 digest of the API key is kept.
CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    owner_id    TEXT REFERENCES users(id) ON DELETE SET NULL,
    key_digest  BLOB NOT NULL UNIQUE,
    key_hint    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX projects_owner ON projects(owner_id);

CREATE TABLE spans (
    project_id          TEXT NOT NULL,
    trace_id            TEXT NOT NULL,
    span_id             TEXT NOT NULL,
    parent_span_id      TEXT NOT NULL DEFAULT '',
    name                TEXT NOT NULL,
    kind                INTEGER NOT NULL DEFAULT 0,
    start_time_ns       INTEGER NOT NULL,
    end_time_ns         INTEGER NOT NULL,
    duration_ns         INTEGER NOT NULL,
    status_code         TEXT NOT NULL DEFAULT 'UNSET',
    status_message      TEXT NOT NULL DEFAULT '',
    service_name        TEXT NOT NULL DEFAULT '',
    scope_name          TEXT NOT NULL DEFAULT '',
    attributes          TEXT NOT NULL DEFAULT '{}',
    events              TEXT NOT NULL DEFAULT '[]',
    links               TEXT NOT NULL DEFAULT '[]',
    resource_attributes TEXT NOT NULL DEFAULT '{}',
    session_id          TEXT NOT NULL DEFAULT '',
    model               TEXT NOT NULL DEFAULT '',
    input_tokens        INTEGER NOT NULL DEFAULT 0,
    output_tokens       INTEGER NOT NULL DEFAULT 0,
    total_tokens        INTEGER NOT NULL DEFAULT 0,
    cost_usd            REAL NOT NULL DEFAULT 0,
    ingested_at         INTEGER NOT NULL,
    PRIMARY KEY (project_id, trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX spans_project_span ON spans(project_id, span_id);
CREATE INDEX spans_project_start ON spans(project_id, start_time_ns);

-- One row per trace, kept up to date as spans arrive (each new span is
-- added in once), so that lists never aggregate spans at read time.
CREATE TABLE traces (
    project_id     TEXT NOT NULL,
    trace_id       TEXT NOT NULL,
    root_span_name TEXT NOT NULL DEFAULT '',
    service_name   TEXT NOT NULL DEFAULT '',
    session_id     TEXT NOT NULL DEFAULT '',
    start_time_ns  INTEGER NOT NULL,
    end_time_ns    INTEGER NOT NULL,
    duration_ns    INTEGER NOT NULL,
    span_count     INTEGER NOT NULL,
    error_count    INTEGER NOT NULL,
    input_tokens   INTEGER NOT NULL DEFAULT 0,
    output_tokens  INTEGER NOT NULL DEFAULT 0,
    total_tokens   INTEGER NOT NULL DEFAULT 0,
    cost_usd       REAL NOT NULL DEFAULT 0,
    alert_count    INTEGER NOT NULL DEFAULT 0,
    models         TEXT NOT NULL DEFAULT '',
    has_root       INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (project_id, trace_id)
) WITHOUT ROWID;
CREATE INDEX traces_project_start ON traces(project_id, start_time_ns DESC);
CREATE INDEX traces_project_session ON traces(project_id, session_id) WHERE session_id != '';

-- Findings of the security processor, one per agentstack.security.alert
-- span event. The id is derived from the span and the event's position, so
-- a retried batch does not duplicate alerts.
CREATE TABLE alerts (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL,
    trace_id      TEXT NOT NULL,
    span_id       TEXT NOT NULL,
    rule          TEXT NOT NULL,
    type          TEXT NOT NULL DEFAULT '',
    severity      TEXT NOT NULL,
    score         INTEGER NOT NULL DEFAULT 0,
    description   TEXT NOT NULL DEFAULT '',
    attribute_key TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    preview       TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL DEFAULT '',
    created_at_ns INTEGER NOT NULL
);
CREATE INDEX alerts_project_time ON alerts(project_id, created_at_ns DESC);
CREATE INDEX alerts_project_trace ON alerts(project_id, trace_id);

-- Cost by project, model and hour, added to as new spans are stored.
CREATE TABLE cost_hourly (
    project_id    TEXT NOT NULL,
    model         TEXT NOT NULL,
    hour_ns       INTEGER NOT NULL,
    calls         INTEGER NOT NULL,
    input_tokens  INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    total_tokens  INTEGER NOT NULL,
    cost_usd      REAL NOT NULL,
    PRIMARY KEY (project_id, model, hour_ns)
) WITHOUT ROWID;
