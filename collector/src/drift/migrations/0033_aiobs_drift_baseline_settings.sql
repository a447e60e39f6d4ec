-- Baseline settings (issue 9, items 3 and 4): `is_default` marks the one baseline per model
-- that the scheduled job compares against (the newest default wins if two were ever set);
-- `thresholds` is 'fixed' (the documented thresholds) or 'reference' (NannyML-style limits
-- from the reference's own chunk-to-chunk variation); `value_types` records, for an
-- uploaded sample, how each column was typed (JSON: {"column": "numeric"|"categorical"}).
ALTER TABLE {{db}}.aiobs_drift_baselines {{on_cluster}}
    ADD COLUMN IF NOT EXISTS is_default UInt8 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS thresholds LowCardinality(String) DEFAULT 'fixed',
    ADD COLUMN IF NOT EXISTS value_types String DEFAULT '';
