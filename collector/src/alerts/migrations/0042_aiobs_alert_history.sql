-- Transitions of each rule's alert (issue 10, item 3), append-only. A transition written
-- twice (an evaluator died between the history write and the state write and the next one
-- repeated it) has the same (project_id, rule_id, seq) and is merged away; readers use
-- FINAL so they never see it twice before the merge. Times are Unix ms.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_history {{on_cluster}} (
    project_id LowCardinality(String),
    rule_id String,
    seq UInt64,
    time_ms Int64,
    rule_name String,
    fingerprint String,
    from_state LowCardinality(String),
    to_state LowCardinality(String),
    severity LowCardinality(String),
    value Nullable(Float64),
    labels Map(String, String),
    notification_id String
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, rule_id, seq);
