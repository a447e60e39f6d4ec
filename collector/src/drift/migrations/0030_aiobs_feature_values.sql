-- Typed drift inputs (issue 9, item 1): one row per sampled feature value and per
-- prediction output of an inference span, keyed by project, model, version, variant,
-- feature and time, with the span's prediction id for the feedback join. Numeric and
-- categorical values apart: `is_numeric` = 1 for OTLP int/double values (in `num`),
-- 0 for string/bool values (in `cat`), decided by the value's OTLP type, not its text.
-- Predictions use the feature names `prediction.value`, `prediction.label` and
-- `prediction.score` (kind 'prediction'). See docs/drift.md.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_feature_values {{on_cluster}} (
    project_id LowCardinality(String),
    model LowCardinality(String),
    version LowCardinality(String),
    variant LowCardinality(String),
    kind LowCardinality(String),
    feature LowCardinality(String),
    time DateTime64(9) CODEC(Delta, ZSTD(1)),
    prediction_id String CODEC(ZSTD(1)),
    is_numeric UInt8,
    num Float64,
    cat String CODEC(ZSTD(1)),
    INDEX idx_prediction_id prediction_id TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = {{engine}}
PARTITION BY toDate(time)
ORDER BY (project_id, model, feature, time)
TTL toDateTime(time) + toIntervalDay({{ttl_days}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- Ground truth from `aiobs.feedback` log records. Feedback names no model and may arrive
-- before or long after its inference: it is joined to aiobs_feature_values /
-- aiobs_inferences by prediction id at query time. The four fields have fixed types by
-- the SDK's conventions (label a string, value and score numbers, correct a boolean), so
-- their columns are typed by key; a field that is absent stays NULL.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_feedback {{on_cluster}} (
    project_id LowCardinality(String),
    time DateTime64(9) CODEC(Delta, ZSTD(1)),
    prediction_id String CODEC(ZSTD(1)),
    label Nullable(String),
    value Nullable(Float64),
    score Nullable(Float64),
    correct Nullable(UInt8),
    INDEX idx_prediction_id prediction_id TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = {{engine}}
PARTITION BY toDate(time)
ORDER BY (project_id, prediction_id, time)
TTL toDateTime(time) + toIntervalDay({{ttl_days}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_feedback_mv {{on_cluster}}
TO {{db}}.aiobs_feedback
AS SELECT
    ProjectId AS project_id,
    Timestamp AS time,
    LogAttributes['aiobs.prediction.id'] AS prediction_id,
    if(mapContains(LogAttributes, 'aiobs.feedback.label'), LogAttributes['aiobs.feedback.label'], NULL) AS label,
    toFloat64OrNull(LogAttributes['aiobs.feedback.value']) AS value,
    toFloat64OrNull(LogAttributes['aiobs.feedback.score']) AS score,
    if(mapContains(LogAttributes, 'aiobs.feedback.correct'),
       toUInt8(LogAttributes['aiobs.feedback.correct'] IN ('true', '1')), NULL) AS correct
FROM {{db}}.otel_logs
WHERE EventName = 'aiobs.feedback' AND LogAttributes['aiobs.prediction.id'] != '';
