-- The alert history keeps transitions as long as raw telemetry (the `--retention-days`
-- setting, like the outbox and notification tables): a transition older than that points at
-- spans that are gone. Startup's applyTableOptions alters the TTL when the setting changes.
ALTER TABLE {{db}}.aiobs_alert_history {{on_cluster}}
    MODIFY TTL toDateTime(intDiv(time_ms, 1000)) + toIntervalDay({{ttl_days}});
