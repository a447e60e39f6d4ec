-- Stored drift results (issue 9, item 4), written by the scheduled job (drift/job.ts): per
-- model, version, variant and feature, per window, against the model's default baseline.
-- Alert rules and the dashboard's overview read verdicts here instead of computing them.
--
-- One row per (feature, measure): `measure` is one of psi | ks | wasserstein | js | chi2
-- (each judged by its own threshold), `auto` (the verdict GET /api/v1/drift gives, by the
-- test chosen by sample size: its score, and its p-value for a test) or `multivariate`
-- (feature ''). `kind` is 'feature' or 'prediction' (the prediction outputs are the
-- features `prediction.value|label|score`). KS rows: score = the statistic D, p_value = p;
-- chi2 rows: score = the statistic (1e308 for a category the reference never saw), p_value.
--
-- Idempotent per window: recomputing a window writes the same key again and the newest
-- `computed_at` wins (read with FINAL or argMax); the job also skips windows already stored.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_drift_results {{on_cluster}} (
    project_id LowCardinality(String),
    model LowCardinality(String),
    version LowCardinality(String),
    variant LowCardinality(String),
    kind LowCardinality(String),
    feature LowCardinality(String),
    window_start DateTime64(3, 'UTC'),
    window_end DateTime64(3, 'UTC'),
    measure LowCardinality(String),
    score Float64,
    p_value Nullable(Float64),
    verdict LowCardinality(String),
    reference_n UInt64,
    current_n UInt64,
    baseline_id String,
    computed_at DateTime64(3, 'UTC')
) ENGINE = {{replacing_engine}}
PARTITION BY toYYYYMM(window_start)
ORDER BY (project_id, model, window_start, version, variant, baseline_id, kind, feature, measure)
TTL toDateTime(window_start) + toIntervalDay({{ttl_days}})
SETTINGS ttl_only_drop_parts = 1;
