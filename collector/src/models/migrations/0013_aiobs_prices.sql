-- Token prices per provider and model (USD per million tokens), dated: a price applies to
-- inferences from the start (00:00 UTC) of its effective_from day until the next price of
-- the same model. Day-aligned so that raw rows, minute and hourly rollups price alike.
-- Every change of the list (defaults on first use, a --prices-file, PUT /api/v1/prices)
-- writes the whole list again under a new revision in one insert; readers use the latest
-- revision, so a list is replaced atomically and its history kept.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_prices {{on_cluster}} (
    revision UInt64,
    provider LowCardinality(String),
    model String,
    effective_from Date,
    input_per_million Float64,
    output_per_million Float64,
    cache_read_per_million Float64,
    source LowCardinality(String),
    created_at DateTime64(3) DEFAULT now64(3)
) ENGINE = {{engine}}
ORDER BY (revision, provider, model, effective_from);
