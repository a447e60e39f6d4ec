-- Resent requests stored once (issue 13, item 4; docs/architecture.md, "Resent requests").
-- The digests of committed OTLP requests per table the ingest path writes: a collector
-- loads the last hour at start (and, on a server, re-reads what other collectors
-- recorded), and drops a resend's rows for every table that already has them. Kept two
-- days (the in-memory window is one hour).
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_ingest_digests {{on_cluster}} (
    digest String CODEC(ZSTD(1)),
    table_name LowCardinality(String),
    time DateTime DEFAULT now() CODEC(Delta, ZSTD(1))
) ENGINE = {{engine}}
PARTITION BY toDate(time)
ORDER BY time
TTL time + toIntervalHour(48)
SETTINGS ttl_only_drop_parts = 1;

-- Every insert of the ingest path carries an insert_deduplication_token; the tables keep
-- the last 1,000 tokens per table, so a block inserted again under its token (a spooled
-- insert completed after a crash, a failed insert retried) adds nothing where it had
-- committed. The tables the views write keep them too: an insert that deduplicates
-- still runs the views, whose own inserts are deduplicated by tokens derived from it
-- (deduplicate_blocks_in_dependent_materialized_views = 1), so a view whose part was
-- missing is completed and one whose part committed is not written twice. Replicated
-- tables (cluster mode) use replicated_deduplication_window instead (default 1,000).
ALTER TABLE {{db}}.otel_traces {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.otel_traces_trace_id_ts {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.otel_logs {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.otel_metrics_gauge {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.otel_metrics_sum {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.otel_metrics_histogram {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.otel_metrics_exponential_histogram {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.otel_metrics_summary {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.aiobs_inferences {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.aiobs_inference_1m {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.aiobs_inference_1h {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.aiobs_model_seen {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.aiobs_model_hosts_1h {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.aiobs_host_metrics_1m {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.aiobs_feature_values {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE {{db}}.aiobs_feedback {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 1000;
