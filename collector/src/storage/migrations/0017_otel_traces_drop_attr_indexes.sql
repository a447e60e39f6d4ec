-- Drops the four attribute-map bloom filters that 0001 took over from the OpenTelemetry
-- exporter's schema (issue 8, item 9: decided by measurement, docs/benchmarks.md "Ingest").
-- They were the largest single item of insert CPU, and the questions they served now have
-- typed answers: model, version, variant, provider, host and error filters read
-- aiobs_inferences and its rollups (sorted by project and model). What slows down:
-- `attr.<key>=<value>` trace searches on large ranges, which now read the attribute maps of
-- the range's granules (still pruned by project, service, span name and time, the sort key).
-- Parts written before this keep their index files until merged; queries ignore them.
ALTER TABLE {{db}}.otel_traces {{on_cluster}} DROP INDEX IF EXISTS idx_res_attr_key;
ALTER TABLE {{db}}.otel_traces {{on_cluster}} DROP INDEX IF EXISTS idx_res_attr_value;
ALTER TABLE {{db}}.otel_traces {{on_cluster}} DROP INDEX IF EXISTS idx_span_attr_key;
ALTER TABLE {{db}}.otel_traces {{on_cluster}} DROP INDEX IF EXISTS idx_span_attr_value;
