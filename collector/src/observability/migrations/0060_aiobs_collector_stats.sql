-- The collector's own health, one row per collector per minute (issue 13, item 7): the
-- figures /metrics serves, so the dashboard can chart them without a Prometheus. Counters
-- are totals since the collector started (`started_ms` tells restarts apart): a reader
-- takes differences between rows of one (collector, started_ms). Kept as long as the
-- per-minute rollups.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_collector_stats {{on_cluster}} (
    ts DateTime CODEC(Delta, ZSTD(1)),
    collector LowCardinality(String),
    started_ms Int64,
    pending_bytes UInt64,
    reserved_bytes UInt64,
    max_pending_bytes UInt64,
    refused UInt64,
    too_large UInt64,
    decode_errors UInt64,
    accepted_records UInt64,
    rejected_records UInt64,
    rows_written UInt64,
    inserts UInt64,
    insert_failures UInt64,
    active_parts UInt32,
    merges_running UInt32,
    rss_bytes UInt64
) ENGINE = {{engine}}
PARTITION BY toDate(ts)
ORDER BY (collector, ts)
TTL ts + toIntervalDay({{rollup_1m_ttl_days}})
SETTINGS ttl_only_drop_parts = 1;
