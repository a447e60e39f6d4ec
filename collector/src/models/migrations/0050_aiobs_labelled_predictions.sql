-- Labelled predictions (issue 9, items 6-7): one row per feedback record and the inference
-- it labels, with the prediction's typed outputs, written by a materialized view on
-- aiobs_feedback when the feedback arrives, so quality and the compare verdicts read rows
-- in proportion to the feedback rather than to the inferences. A cache, never the only
-- source: feedback without a row here with `outputs` = 1 (it came before its span, or its
-- span has no typed outputs, or a concurrent insert hid one side) is joined at query time
-- as before (models/labelled-sql.ts, docs/models.md "Quality from feedback").
-- Partitioned by the feedback's day (an insert of feedback touches one or two partitions,
-- whatever the age of the predictions it labels); expires with the prediction, like the
-- inference row it copies.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_labelled_predictions {{on_cluster}} (
    project_id LowCardinality(String),
    model LowCardinality(String),
    time DateTime64(9) CODEC(Delta, ZSTD(1)),
    prediction_id String CODEC(ZSTD(1)),
    service LowCardinality(String),
    operation LowCardinality(String),
    provider LowCardinality(String),
    version LowCardinality(String),
    variant LowCardinality(String),
    outputs UInt8,
    p_label Nullable(String),
    p_value_cat Nullable(String),
    p_value Nullable(Float64),
    p_score Nullable(Float64),
    fb_time DateTime64(9) CODEC(Delta, ZSTD(1)),
    fb_key UInt64,
    label Nullable(String),
    value Nullable(Float64),
    score Nullable(Float64),
    correct Nullable(UInt8)
) ENGINE = {{engine}}
PARTITION BY toDate(fb_time)
ORDER BY (project_id, model, time)
TTL toDateTime(time) + toIntervalDay({{ttl_days}})
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- The inserted feedback joined with the inference rows and prediction outputs already
-- stored (by prediction id within the project; `aiobs_feedback` inside the view is the
-- inserted block). `outputs` = 1 when prediction output rows were found; the outputs'
-- columns as quality-sql.ts reads them (label and categorical value by their OTLP type).
-- `fb_key` names the feedback record (id and time) in 8 bytes, so a query tells which
-- scanned records are labelled without reading the ids twice.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.aiobs_labelled_predictions_mv {{on_cluster}}
TO {{db}}.aiobs_labelled_predictions
AS SELECT
    i.project_id AS project_id,
    i.model AS model,
    i.time AS time,
    i.prediction_id AS prediction_id,
    i.service AS service,
    i.operation AS operation,
    i.provider AS provider,
    i.version AS version,
    i.variant AS variant,
    toUInt8(ifNull(p.outputs, 0)) AS outputs,
    p.p_label AS p_label,
    p.p_value_cat AS p_value_cat,
    p.p_value AS p_value,
    p.p_score AS p_score,
    f.time AS fb_time,
    cityHash64(f.prediction_id, f.time) AS fb_key,
    f.label AS label,
    f.value AS value,
    f.score AS score,
    f.correct AS correct
FROM {{db}}.aiobs_feedback AS f
INNER JOIN (
    SELECT project_id, model, time, prediction_id, service, operation, provider, version, variant
    FROM {{db}}.aiobs_inferences
    WHERE prediction_id IN (SELECT prediction_id FROM {{db}}.aiobs_feedback)
) AS i ON i.project_id = f.project_id AND i.prediction_id = f.prediction_id
LEFT JOIN (
    SELECT project_id, model, prediction_id, toUInt8(1) AS outputs,
        anyIf(toNullable(cat), feature = 'prediction.label' AND is_numeric = 0) AS p_label,
        anyIf(toNullable(cat), feature = 'prediction.value' AND is_numeric = 0) AS p_value_cat,
        anyIf(toNullable(num), feature = 'prediction.value' AND is_numeric = 1) AS p_value,
        anyIf(toNullable(num), feature = 'prediction.score' AND is_numeric = 1) AS p_score
    FROM {{db}}.aiobs_feature_values
    WHERE kind = 'prediction'
      AND feature IN ('prediction.label', 'prediction.value', 'prediction.score')
      AND prediction_id IN (SELECT prediction_id FROM {{db}}.aiobs_feedback)
    GROUP BY project_id, model, prediction_id
) AS p ON p.project_id = i.project_id AND p.model = i.model AND p.prediction_id = i.prediction_id;
