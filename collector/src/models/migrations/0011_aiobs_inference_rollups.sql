-- Per-minute and hourly rollups of aiobs_inferences per (project, model, service, version,
-- variant, provider, operation). Rows are bucketed by span start time, so a late span
-- lands in its own minute. Quantile states are DDSketches with relative accuracy 0.01:
-- quantileDD returns a value within 1% of the sample's element at 0-based rank
-- floor(q * (n - 1)), and merging states (minute -> hour -> query) keeps that bound.
-- The sketches hold MICROseconds: ClickHouse's DDSketch keeps its 1% bound for values
-- >= 1 only (below 1 it measured up to 3%), so sub-millisecond latencies are kept >= 1 by
-- the unit; queries divide by 1000.
-- *_le hold cumulative counts at the GenAI duration bucket boundaries (in ms: 10 ms ..
-- 81.92 s), as Prometheus `le` buckets; the count above the last boundary is
-- requests (or streams) minus the last element.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_inference_1m {{on_cluster}} (
    project_id LowCardinality(String),
    model LowCardinality(String),
    ts DateTime CODEC(Delta, ZSTD(1)),
    service LowCardinality(String),
    version LowCardinality(String),
    variant LowCardinality(String),
    provider LowCardinality(String),
    operation LowCardinality(String),
    requests SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    cache_hits SimpleAggregateFunction(sum, UInt64),
    streams SimpleAggregateFunction(sum, UInt64),
    queued SimpleAggregateFunction(sum, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64),
    duration_ms_sum SimpleAggregateFunction(sum, Float64),
    latency_q AggregateFunction(quantilesDD(0.01, 0.5, 0.9, 0.95, 0.99), Float64),
    ttft_q AggregateFunction(quantilesDD(0.01, 0.5, 0.9, 0.95, 0.99), Nullable(Float64)),
    queue_wait_q AggregateFunction(quantilesDD(0.01, 0.5, 0.9, 0.95, 0.99), Nullable(Float64)),
    latency_le AggregateFunction(sumForEach, Array(UInt64)),
    ttft_le AggregateFunction(sumForEach, Array(UInt64))
) ENGINE = {{aggregating_engine}}
PARTITION BY toDate(ts)
ORDER BY (project_id, model, ts, service, version, variant, provider, operation)
TTL ts + toIntervalDay({{rollup_1m_ttl_days}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_inference_1m_mv {{on_cluster}}
TO {{db}}.aiobs_inference_1m
AS SELECT
    project_id, model, toStartOfMinute(time, 'UTC') AS ts, service, version, variant, provider, operation,
    count() AS requests,
    sum(is_error) AS errors,
    sum(cache_hit) AS cache_hits,
    count(ttft_ms) AS streams,
    count(queue_wait_ms) AS queued,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cost_usd) AS cost_usd,
    sum(duration_ms) AS duration_ms_sum,
    quantilesDDState(0.01, 0.5, 0.9, 0.95, 0.99)(duration_ms * 1000) AS latency_q,
    quantilesDDState(0.01, 0.5, 0.9, 0.95, 0.99)(ttft_ms * 1000) AS ttft_q,
    quantilesDDState(0.01, 0.5, 0.9, 0.95, 0.99)(queue_wait_ms * 1000) AS queue_wait_q,
    sumForEachState(arrayMap(b -> toUInt64(duration_ms <= b),
        [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920])) AS latency_le,
    sumForEachState(arrayMap(b -> toUInt64(ifNull(ttft_ms <= b, 0)),
        [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920])) AS ttft_le
FROM {{db}}.aiobs_inferences
GROUP BY project_id, model, ts, service, version, variant, provider, operation;

CREATE TABLE IF NOT EXISTS {{db}}.aiobs_inference_1h {{on_cluster}}
AS {{db}}.aiobs_inference_1m
ENGINE = {{aggregating_engine}}
PARTITION BY toYYYYMM(ts)
ORDER BY (project_id, model, ts, service, version, variant, provider, operation)
TTL ts + toIntervalDay({{rollup_1h_ttl_days}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- Hourly rows are chained from the minute rows as they are written (an MV on the minute
-- table), so the raw rows are read once.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_inference_1h_mv {{on_cluster}}
TO {{db}}.aiobs_inference_1h
AS SELECT
    project_id, model, toStartOfHour(ts, 'UTC') AS ts, service, version, variant, provider, operation,
    sum(requests) AS requests,
    sum(errors) AS errors,
    sum(cache_hits) AS cache_hits,
    sum(streams) AS streams,
    sum(queued) AS queued,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cost_usd) AS cost_usd,
    sum(duration_ms_sum) AS duration_ms_sum,
    quantilesDDMergeState(0.01, 0.5, 0.9, 0.95, 0.99)(latency_q) AS latency_q,
    quantilesDDMergeState(0.01, 0.5, 0.9, 0.95, 0.99)(ttft_q) AS ttft_q,
    quantilesDDMergeState(0.01, 0.5, 0.9, 0.95, 0.99)(queue_wait_q) AS queue_wait_q,
    sumForEachMergeState(latency_le) AS latency_le,
    sumForEachMergeState(ttft_le) AS ttft_le
FROM {{db}}.aiobs_inference_1m
GROUP BY project_id, model, ts, service, version, variant, provider, operation;
