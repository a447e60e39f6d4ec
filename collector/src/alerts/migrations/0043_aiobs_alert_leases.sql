-- Evaluator leases (issue 10, item 3): with several collectors on one ClickHouse server,
-- the rules are split into shards and each shard is evaluated by the holder of its lease.
-- Acquiring or renewing inserts a row with a fresh random `version`; the holder is the row
-- with the highest version (argMax), read back after the write. See docs/alerts.md.
-- Rows are kept an hour past their expiry, long enough for any reader to see them.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_leases {{on_cluster}} (
    name String,
    holder String,
    expires_at_ms Int64,
    version UInt64
) ENGINE = {{engine}}
ORDER BY (name, version)
TTL toDateTime(intDiv(expires_at_ms, 1000)) + INTERVAL 1 HOUR;
