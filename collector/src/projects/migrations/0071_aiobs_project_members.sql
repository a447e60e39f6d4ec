-- Tenancy (issue 11): who holds which role in a project. A change writes a new row with a
-- higher `version`; the latest row per (project, user) decides, and deleted = 1 removes.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_project_members {{on_cluster}} (
    project_id String,
    user_id String,
    role LowCardinality(String),
    deleted UInt8,
    created_at DateTime64(3),
    version UInt64
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, user_id);
