-- Fewer merges of the tables every span batch writes a part into (issue 14, item 3).
-- With ClickHouse's default merge_selector_base (5) a part is merged once about five parts
-- of its size exist, so each row is rewritten about log5(rows in the partition / rows per
-- insert) times: at the ingest benchmark's load the merge threads took more CPU than the
-- inserts. At 20 a row is rewritten about half as often (measured: merge CPU per span 8-10 us
-- against 18-28 us, batches of 8,000 spans, docs/benchmarks.md "Ingest"), at the price of
-- more parts alive at a time (up to about 20 per size tier of a partition instead of 5), which
-- reads of these tables open. The rollup tables keep the default: their parts are tiny and
-- every dashboard query reads them.
ALTER TABLE {{db}}.otel_traces {{on_cluster}} MODIFY SETTING merge_selector_base = 20;
ALTER TABLE {{db}}.otel_traces_trace_id_ts {{on_cluster}} MODIFY SETTING merge_selector_base = 20;
ALTER TABLE {{db}}.aiobs_inferences {{on_cluster}} MODIFY SETTING merge_selector_base = 20;
ALTER TABLE {{db}}.aiobs_feature_values {{on_cluster}} MODIFY SETTING merge_selector_base = 20;
