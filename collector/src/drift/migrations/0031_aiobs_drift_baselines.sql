-- Drift baselines (issue 9, item 2): a pinned reference, defined by a model version or a
-- time range. Each keeps its own copy of the values (aiobs_baseline_values, up to a cap per
-- feature, sampled uniformly beyond it), so its statistics stay exact after the source
-- rows age out; the copy has no TTL. Deleting writes a row with deleted = 1 (the latest row
-- per id wins) and removes the copied values.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_drift_baselines {{on_cluster}} (
    project_id LowCardinality(String),
    id String,
    name String,
    model String,
    source LowCardinality(String),
    version String,
    from_ms Int64,
    to_ms Int64,
    cap UInt32,
    created_at DateTime64(3),
    deleted UInt8
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, id);

CREATE TABLE IF NOT EXISTS {{db}}.aiobs_baseline_values {{on_cluster}} (
    project_id LowCardinality(String),
    baseline_id String,
    kind LowCardinality(String),
    feature LowCardinality(String),
    is_numeric UInt8,
    num Float64,
    cat String CODEC(ZSTD(1))
) ENGINE = {{engine}}
ORDER BY (project_id, baseline_id, kind, feature);
