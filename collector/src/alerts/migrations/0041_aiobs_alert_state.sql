-- Current state of each rule's alert (issue 10, item 3): one row per transition (the
-- latest evaluation of each seq replaces the earlier ones of that seq, so the value and the
-- time of the last evaluation stay current without a row per evaluation). `seq` is the
-- rule's transition counter, carried by every notification id (`ruleId:fingerprint:seq`);
-- readers take the row with the highest (seq, evaluated_at) per rule, so a write by an
-- evaluator whose lease ran out while it evaluated (it carries an older seq) never hides
-- the state written by the new holder. Times are Unix ms, 0 = none.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_state {{on_cluster}} (
    project_id LowCardinality(String),
    rule_id String,
    fingerprint String,
    seq UInt64,
    state LowCardinality(String),
    severity LowCardinality(String),
    value Nullable(Float64),
    active_at_ms Int64,
    firing_since_ms Int64,
    last_breach_ms Int64,
    resolved_at_ms Int64,
    evaluated_at_ms Int64,
    error String,
    labels Map(String, String),
    holder String
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, rule_id, seq);
