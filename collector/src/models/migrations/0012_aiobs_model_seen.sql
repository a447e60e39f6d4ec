-- First and last time each (model, version, variant) was seen per project, for
-- GET /api/v1/changes. Tiny (one row per combination after merges); min/max of span start
-- times, so a late span moves first_seen back to when it really ran.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_model_seen {{on_cluster}} (
    project_id LowCardinality(String),
    model LowCardinality(String),
    version LowCardinality(String),
    variant LowCardinality(String),
    first_seen SimpleAggregateFunction(min, DateTime64(9)),
    last_seen SimpleAggregateFunction(max, DateTime64(9)),
    requests SimpleAggregateFunction(sum, UInt64)
) ENGINE = {{aggregating_engine}}
ORDER BY (project_id, model, version, variant)
TTL toDateTime(last_seen) + toIntervalDay({{rollup_1h_ttl_days}});

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_model_seen_mv {{on_cluster}}
TO {{db}}.aiobs_model_seen
AS SELECT
    project_id, model, version, variant,
    min(time) AS first_seen,
    max(time) AS last_seen,
    count() AS requests
FROM {{db}}.aiobs_inferences
GROUP BY project_id, model, version, variant;
