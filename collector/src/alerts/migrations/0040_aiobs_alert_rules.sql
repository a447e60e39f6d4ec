-- Alert rules (issue 10, item 1), per project. A rule is mutable: each create, update or
-- delete inserts the whole rule again with a higher `version` (Unix ns of the write), and
-- readers take the row with the highest version per id; deleting writes a row with
-- deleted = 1. The version is in the sorting key rather than a ReplacingMergeTree version
-- argument so the same template works for the Replicated engine of cluster mode; rules
-- change rarely, so the old rows cost nothing. The
-- rule body is kept as the JSON the API validated (`spec`), so a new rule field needs no
-- migration; `enabled` and `name` are columns for listing without parsing.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_rules {{on_cluster}} (
    project_id LowCardinality(String),
    id String,
    name String,
    enabled UInt8,
    spec String CODEC(ZSTD(1)),
    created_at_ms Int64,
    updated_at_ms Int64,
    deleted UInt8,
    version UInt64
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, id, version);
