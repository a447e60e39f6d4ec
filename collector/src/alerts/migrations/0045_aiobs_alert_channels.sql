-- Alert channels (issue 10, item 4): where notifications go. The channel's settings are one
-- JSON document (`spec`: url, format, template, headers, matchers, grouping timings) so a new
-- setting needs no migration; `secret` is the Standard Webhooks signing key, shown once. Each
-- change writes a new row with a higher `version`; readers take the latest row per id
-- (argMax), and a row with deleted = 1 hides the channel.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_alert_channels {{on_cluster}} (
    project_id LowCardinality(String),
    id String,
    version UInt64,
    name String,
    spec String,
    secret String,
    created_at DateTime64(3),
    deleted UInt8
) ENGINE = {{replacing_engine}}
ORDER BY (project_id, id);
