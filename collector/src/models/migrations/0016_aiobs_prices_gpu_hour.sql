-- GPU-hour pricing of self-hosted models (issue 8, item 5): a price entry may carry a rate
-- in USD per GPU-hour instead of (or beside) token prices. 0 = not priced per GPU-hour.
-- The cost is apportioned at query time from the agent's GPU rollups and the model->host
-- map (aiobs_host_metrics_1m, aiobs_model_hosts_1h); see docs/models.md, "Cost".
ALTER TABLE {{db}}.aiobs_prices {{on_cluster}}
    ADD COLUMN IF NOT EXISTS gpu_hour_usd Float64 DEFAULT 0 AFTER cache_read_per_million;
