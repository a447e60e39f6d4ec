-- Typed inference rows: one per span with `gen_ai.operation.name` (LLM calls, embeddings,
-- classic `predict`), cast from the span's attribute strings by a materialized view on
-- otel_traces, so spans written by any writer (a stock OTel Collector too) are analysed.
-- Units: durations in ms; `gen_ai.response.time_to_first_chunk` and `aiobs.queue.wait`
-- arrive in seconds. See docs/models.md for every column's source.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_inferences {{on_cluster}} (
    project_id LowCardinality(String),
    time DateTime64(9) CODEC(Delta, ZSTD(1)),
    service LowCardinality(String),
    operation LowCardinality(String),
    provider LowCardinality(String),
    model LowCardinality(String),
    request_model LowCardinality(String),
    response_model LowCardinality(String),
    version LowCardinality(String),
    variant LowCardinality(String),
    duration_ms Float64,
    ttft_ms Nullable(Float64),
    input_tokens UInt64,
    output_tokens UInt64,
    cache_read_tokens UInt64,
    cache_hit UInt8,
    queue_wait_ms Nullable(Float64),
    is_error UInt8,
    status_code LowCardinality(String),
    error_type LowCardinality(String),
    finish_reasons Array(LowCardinality(String)),
    prediction_id String CODEC(ZSTD(1)),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    host_name LowCardinality(String),
    k8s_node_name LowCardinality(String),
    k8s_pod_name LowCardinality(String),
    cost_usd Float64,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_prediction_id prediction_id TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = {{engine}}
PARTITION BY toDate(time)
ORDER BY (project_id, model, service, time)
TTL toDateTime(time) + toIntervalDay({{ttl_days}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- `model` is the requested model, or the response's when no request model was recorded.
-- A span is an error when its status is Error or it carries `error.type` (the GenAI
-- conventions set error.type on failed operations). cost_usd stays 0 until prices land.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_inferences_mv {{on_cluster}}
TO {{db}}.aiobs_inferences
AS SELECT
    ProjectId AS project_id,
    Timestamp AS time,
    ServiceName AS service,
    SpanAttributes['gen_ai.operation.name'] AS operation,
    SpanAttributes['gen_ai.provider.name'] AS provider,
    if(SpanAttributes['gen_ai.request.model'] != '',
       SpanAttributes['gen_ai.request.model'],
       SpanAttributes['gen_ai.response.model']) AS model,
    SpanAttributes['gen_ai.request.model'] AS request_model,
    SpanAttributes['gen_ai.response.model'] AS response_model,
    SpanAttributes['aiobs.model.version'] AS version,
    SpanAttributes['aiobs.deployment.variant'] AS variant,
    Duration / 1e6 AS duration_ms,
    toFloat64OrNull(SpanAttributes['gen_ai.response.time_to_first_chunk']) * 1000 AS ttft_ms,
    toUInt64OrZero(SpanAttributes['gen_ai.usage.input_tokens']) AS input_tokens,
    toUInt64OrZero(SpanAttributes['gen_ai.usage.output_tokens']) AS output_tokens,
    toUInt64OrZero(SpanAttributes['gen_ai.usage.cache_read.input_tokens']) AS cache_read_tokens,
    toUInt8(SpanAttributes['aiobs.cache.hit'] IN ('true', '1')) AS cache_hit,
    toFloat64OrNull(SpanAttributes['aiobs.queue.wait']) * 1000 AS queue_wait_ms,
    toUInt8(StatusCode = 'Error' OR SpanAttributes['error.type'] != '') AS is_error,
    StatusCode AS status_code,
    SpanAttributes['error.type'] AS error_type,
    multiIf(
        startsWith(SpanAttributes['gen_ai.response.finish_reasons'], '['),
        JSONExtract(SpanAttributes['gen_ai.response.finish_reasons'], 'Array(String)'),
        SpanAttributes['gen_ai.response.finish_reasons'] = '', [],
        [SpanAttributes['gen_ai.response.finish_reasons']]) AS finish_reasons,
    SpanAttributes['aiobs.prediction.id'] AS prediction_id,
    TraceId AS trace_id,
    SpanId AS span_id,
    ResourceAttributes['host.name'] AS host_name,
    ResourceAttributes['k8s.node.name'] AS k8s_node_name,
    ResourceAttributes['k8s.pod.name'] AS k8s_pod_name,
    0 AS cost_usd
FROM {{db}}.otel_traces
WHERE SpanAttributes['gen_ai.operation.name'] != '';
