-- Per-minute rollups of the agent's host and GPU metrics (`hw.*`, `aiobs.gpu.*`,
-- `system.*`) per host, GPU (`hw.id`, empty for host metrics), metric and remaining
-- attributes (`detail`, e.g. hw.gpu.task or a throttle reason, as JSON). They feed the GPU
-- join of the model API (and later heat maps and GPU alerts) without scanning raw points.
-- Gauges and sums both: the agent reports memory usage as an up-down counter.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_host_metrics_1m {{on_cluster}} (
    project_id LowCardinality(String),
    host LowCardinality(String),
    gpu LowCardinality(String),
    metric LowCardinality(String),
    detail LowCardinality(String),
    ts DateTime CODEC(Delta, ZSTD(1)),
    gpu_name SimpleAggregateFunction(anyLast, String),
    value_sum SimpleAggregateFunction(sum, Float64),
    value_count SimpleAggregateFunction(sum, UInt64),
    value_min SimpleAggregateFunction(min, Float64),
    value_max SimpleAggregateFunction(max, Float64)
) ENGINE = {{aggregating_engine}}
PARTITION BY toDate(ts)
ORDER BY (project_id, host, ts, gpu, metric, detail)
TTL ts + toIntervalDay({{rollup_1m_ttl_days}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_host_metrics_1m_gauge_mv {{on_cluster}}
TO {{db}}.aiobs_host_metrics_1m
AS SELECT
    ProjectId AS project_id,
    ResourceAttributes['host.name'] AS host,
    Attributes['hw.id'] AS gpu,
    MetricName AS metric,
    toJSONString(mapFilter((k, v) -> k NOT IN ('hw.id', 'hw.name', 'hw.vendor', 'hw.model', 'hw.type'), Attributes)) AS detail,
    toStartOfMinute(TimeUnix, 'UTC') AS ts,
    anyLast(Attributes['hw.name']) AS gpu_name,
    sum(Value) AS value_sum,
    count() AS value_count,
    min(Value) AS value_min,
    max(Value) AS value_max
FROM {{db}}.otel_metrics_gauge
WHERE ResourceAttributes['host.name'] != ''
  AND (startsWith(MetricName, 'hw.') OR startsWith(MetricName, 'aiobs.gpu.') OR startsWith(MetricName, 'system.'))
GROUP BY project_id, host, gpu, metric, detail, ts;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_host_metrics_1m_sum_mv {{on_cluster}}
TO {{db}}.aiobs_host_metrics_1m
AS SELECT
    ProjectId AS project_id,
    ResourceAttributes['host.name'] AS host,
    Attributes['hw.id'] AS gpu,
    MetricName AS metric,
    toJSONString(mapFilter((k, v) -> k NOT IN ('hw.id', 'hw.name', 'hw.vendor', 'hw.model', 'hw.type'), Attributes)) AS detail,
    toStartOfMinute(TimeUnix, 'UTC') AS ts,
    anyLast(Attributes['hw.name']) AS gpu_name,
    sum(Value) AS value_sum,
    count() AS value_count,
    min(Value) AS value_min,
    max(Value) AS value_max
FROM {{db}}.otel_metrics_sum
WHERE ResourceAttributes['host.name'] != ''
  AND (startsWith(MetricName, 'hw.') OR startsWith(MetricName, 'aiobs.gpu.') OR startsWith(MetricName, 'system.'))
GROUP BY project_id, host, gpu, metric, detail, ts;
