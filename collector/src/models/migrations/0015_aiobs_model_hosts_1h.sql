-- Which hosts served each (model, service) per hour, and how many requests: the GPU join
-- finds the GPUs behind a model or service here instead of scanning the inference rows.
-- `host` is the Kubernetes node name when the app reports one (`k8s.node.name`), else
-- `host.name`: the agent names a node by its node name, while an app in a pod reports the
-- pod's hostname as host.name, so the node name is the key that matches the agent's.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_model_hosts_1h {{on_cluster}} (
    project_id LowCardinality(String),
    model LowCardinality(String),
    service LowCardinality(String),
    host LowCardinality(String),
    ts DateTime CODEC(Delta, ZSTD(1)),
    requests SimpleAggregateFunction(sum, UInt64)
) ENGINE = {{aggregating_engine}}
PARTITION BY toYYYYMM(ts)
ORDER BY (project_id, model, service, host, ts)
TTL ts + toIntervalDay({{rollup_1h_ttl_days}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_model_hosts_1h_mv {{on_cluster}}
TO {{db}}.aiobs_model_hosts_1h
AS SELECT
    project_id, model, service,
    if(k8s_node_name != '', k8s_node_name, host_name) AS host,
    toStartOfHour(time, 'UTC') AS ts,
    count() AS requests
FROM {{db}}.aiobs_inferences
WHERE host != ''
GROUP BY project_id, model, service, host, ts;
