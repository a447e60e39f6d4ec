-- More of /metrics in the collector's health rows (issue 13, item 7): insert time and the
-- memory bound for ingest, and the alert evaluator's work and timing. `insert_seconds`,
-- `memory_refused`, `evaluations` and `evaluation_failures` are totals since `started_ms`
-- like the other counters (mean insert time over an interval = its difference over the
-- difference of inserts + insert_failures); the lag and duration p99 are over the
-- evaluator's last 10,000 evaluations when the row was written.
ALTER TABLE {{db}}.aiobs_collector_stats {{on_cluster}}
    ADD COLUMN IF NOT EXISTS insert_seconds Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS memory_bound_bytes UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS memory_refused UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS alert_rules UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS evaluations UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS evaluation_failures UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS evaluation_lag_p99_ms Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS evaluation_p99_ms Float64 DEFAULT 0;
