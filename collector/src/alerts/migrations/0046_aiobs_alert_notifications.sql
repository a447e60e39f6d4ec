-- The notifier's inbox and its aggregation groups (issue 10, items 4 and 5).
-- aiobs_alert_notifications: one row per notification id as the lifecycle handed it over
-- (state 'pending'), then a newer row once it is routed into its channels' groups ('routed').
-- The id is the idempotency key: an id already present is not enqueued again.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_notifications {{on_cluster}} (
    project_id LowCardinality(String),
    id String,
    version UInt64,
    state LowCardinality(String),
    body String CODEC(ZSTD(1)),
    created_at DateTime64(3)
) ENGINE = {{replacing_engine}}
ORDER BY id
TTL toDateTime(created_at) + INTERVAL {{ttl_days}} DAY;

-- aiobs_alert_groups: Alertmanager-style aggregation groups, one per (channel, group key):
-- the alerts they hold and when they next flush, as a JSON document rewritten on each change
-- (latest `version` wins; deleted = 1 once a group has sent its last resolved alert).
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_groups {{on_cluster}} (
    project_id LowCardinality(String),
    channel_id String,
    group_key String,
    version UInt64,
    state String CODEC(ZSTD(1)),
    deleted UInt8
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, channel_id, group_key);
