-- Read paths of the API (agentstack_api).

-- Trace counts per project, kept by triggers, so that an unfiltered trace
-- list can say how many pages there are without counting the roll-up.
-- The roll-up is written with INSERT ... ON CONFLICT DO UPDATE, which fires
-- the insert trigger only when a trace is new.
CREATE TABLE project_stats (
    project_id  TEXT PRIMARY KEY,
    trace_count INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO project_stats(project_id, trace_count)
    SELECT project_id, COUNT(*) FROM traces GROUP BY project_id;

CREATE TRIGGER traces_count_insert AFTER INSERT ON traces BEGIN
    INSERT INTO project_stats(project_id, trace_count) VALUES (NEW.project_id, 1)
        ON CONFLICT(project_id) DO UPDATE SET trace_count = trace_count + 1;
END;

CREATE TRIGGER traces_count_delete AFTER DELETE ON traces BEGIN
    UPDATE project_stats SET trace_count = trace_count - 1 WHERE project_id = OLD.project_id;
END;

CREATE TRIGGER projects_stats_delete AFTER DELETE ON projects BEGIN
    DELETE FROM project_stats WHERE project_id = OLD.id;
END;

-- The trace list's other sort keys, so a page is read from an index
-- rather than by sorting every trace of the project.
CREATE INDEX traces_project_duration ON traces(project_id, duration_ns DESC);
CREATE INDEX traces_project_cost ON traces(project_id, cost_usd DESC);

-- The trace list's default order, now also covering the durations that the
-- summary's latency percentiles read for a time range. trace_id is named
-- before duration_ns so that the index still ends each start time in
-- trace id order, the list's tie-breaker.
DROP INDEX traces_project_start;
CREATE INDEX traces_project_start ON traces(project_id, start_time_ns DESC, trace_id, duration_ns);
