-- The webhook outbox (issue 10, item 5). aiobs_alert_outbox holds one request per id (the
-- Standard Webhooks `webhook-id`, the same on every retry) with its exact body, and its
-- status: 'pending' until it is 'delivered' or 'failed' (a 4xx other than 408/429, or given
-- up after the maximum age). Each change writes a newer `version`; the latest row wins.
-- A collector that starts delivers every row still 'pending'.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_outbox {{on_cluster}} (
    project_id LowCardinality(String),
    id String,
    version UInt64,
    channel_id String,
    kind LowCardinality(String),
    status LowCardinality(String),
    attempts UInt32,
    next_attempt_ms Int64,
    body String CODEC(ZSTD(1)),
    last_error String,
    created_at DateTime64(3)
) ENGINE = {{replacing_engine}}
ORDER BY id
TTL toDateTime(created_at) + INTERVAL {{ttl_days}} DAY;

-- aiobs_alert_attempts: every delivery attempt, append-only. A channel whose latest attempts
-- all failed is reported as failing; it clears with the next success.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_attempts {{on_cluster}} (
    project_id LowCardinality(String),
    channel_id String,
    delivery_id String,
    at DateTime64(3),
    attempt UInt32,
    ok UInt8,
    status_code UInt16,
    error String,
    duration_ms UInt32
) ENGINE = {{engine}}
ORDER BY (project_id, channel_id, at)
TTL toDateTime(at) + INTERVAL {{ttl_days}} DAY;
