-- Silences (issue 10, item 4): label matchers that mute matching alerts between starts_at and
-- ends_at, as Alertmanager's. Expiring one early writes a newer row with ends_at = now.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_silences {{on_cluster}} (
    project_id LowCardinality(String),
    id String,
    version UInt64,
    matchers String,
    starts_at DateTime64(3),
    ends_at DateTime64(3),
    comment String,
    created_by String,
    created_at DateTime64(3),
    deleted UInt8
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, id);
