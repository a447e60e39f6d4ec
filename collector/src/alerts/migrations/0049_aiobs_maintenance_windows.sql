-- Maintenance windows (issue 10, item 4): named one-off or weekly time ranges that mute the
-- alerts their matchers select (all of the project's alerts with no matchers). The schedule
-- and matchers are JSON documents; the latest `version` per id wins, deleted = 1 removes it.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_maintenance_windows {{on_cluster}} (
    project_id LowCardinality(String),
    id String,
    version UInt64,
    name String,
    schedule String,
    matchers String,
    created_at DateTime64(3),
    deleted UInt8
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, id);
