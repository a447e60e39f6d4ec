-- Tenancy (issue 11, item 6): the audit log of changes made through the API (keys, members,
-- rules, channels, settings), readable by a project's owners. Append-only: one row per
-- successful write, never updated. Instance-wide actions (users) have project_id ''.
-- `details` is JSON (method, path, status; never the request body, which may hold secrets).
-- Kept about 400 days whatever the telemetry retention: an audit trail must outlive the data
-- it talks about (months, not days, so the retention settings of the telemetry levels do
-- not apply to it).
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_audit_log {{on_cluster}} (
    project_id String,
    at DateTime64(3),
    actor String,
    action LowCardinality(String),
    target String,
    details String CODEC(ZSTD(1))
) ENGINE = {{engine}}
ORDER BY (project_id, at)
TTL toDateTime(at) + INTERVAL 13 MONTH;
