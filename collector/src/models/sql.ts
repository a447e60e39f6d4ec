import type { Level } from './rollup-level.js';
import type { Agg } from './stats.js';

/**
 * The SQL each stored level answers the same question with. Pure text, no user input:
 * values are bound as `{name:Type}` parameters by the repository.
 *
 * Raw rows compute the figures directly; rollups merge their stored states. Both use the
 * same DDSketch (relative accuracy 0.01) and the same quantile levels, and a merged sketch
 * has exactly the bucket counts of one built from all values, so the levels agree.
 */

/** Levels the quantile states are read at; must match stats.ts QUANTILE_LEVELS. */
const QUANTILES = 'quantilesDD(0.01, 0.5, 0.9, 0.95, 0.99)';
const QUANTILES_MERGE = 'quantilesDDMerge(0.01, 0.5, 0.9, 0.95, 0.99)';

/**
 * Quantiles in ms from a sketch of microseconds. The sketches hold µs because ClickHouse's
 * DDSketch keeps its relative bound only for values >= 1 (measured up to 3% below 1), so a
 * 0.3 ms TTFT must be sketched as 300 µs to stay within 1%.
 */
function ms(quantilesOfMicros: string): string {
  return `arrayMap(x -> x / 1000, ${quantilesOfMicros})`;
}

/** How one level is read. */
export interface LevelSql {
  /** Table name (unqualified). */
  table: string;
  /** `[fromMs, toMs)` condition on the level's time column. */
  range: string;
  /** Start of the `{stepMs:Int64}` bucket a row falls in, as Unix ms. */
  bucket: string;
  /** The aggregate columns, aliased `agg_*`. */
  aggregates: string;
  /** Each aggregate column by the {@link Agg} figure it feeds (`aggregates` is all of them). */
  columns: Readonly<Record<AggFigure, string>>;
  /** The level's time column, and `effective_from` cast to its type (for the price join). */
  time: string;
  priceFrom: string;
}

/**
 * USD of the rows: the stored `cost_usd` plus tokens at the price in force (joined by
 * {@link fromWithPrices}; 0 for a model without a price). Input tokens include cached ones
 * (GenAI conventions), so only the rest pay the input price.
 */
export const COST = `sum(cost_usd + (greatest(toInt64(input_tokens) - toInt64(cache_read_tokens), 0) * price_in
      + cache_read_tokens * price_cached + output_tokens * price_out) / 1e6)`;

/**
 * The condition that picks the rows of the price list in force for `{project:String}` from
 * `prices`: the project's own latest revision, else the instance's (project_id '').
 */
export function priceListOf(prices: string): string {
  return `(project_id, revision) = (
      SELECT argMax((project_id, revision), (project_id = {project:String}, revision))
      FROM ${prices} WHERE project_id IN ('', {project:String}))`;
}

/**
 * `FROM` the level's table, each row joined with the price of its provider and model in
 * force at its time (the latest `effective_from` not after it, from the price list in force
 * for the query's `{project:String}`). Price columns are named `price_*` so the table's own
 * stay unambiguous.
 */
export function fromWithPrices(level: LevelSql, table: (name: string) => string): string {
  const prices = table('aiobs_prices');
  return `${table(level.table)}
    ASOF LEFT JOIN (
      SELECT provider AS price_provider, model AS price_model, ${level.priceFrom} AS price_from,
        input_per_million AS price_in, output_per_million AS price_out,
        cache_read_per_million AS price_cached
      FROM ${prices} WHERE ${priceListOf(prices)}
    ) AS price
    ON provider = price_provider AND model = price_model AND ${level.time} >= price_from`;
}

/** A figure of an {@link Agg}: each comes from one aggregate column. */
export type AggFigure = keyof Agg;

/** The aggregate columns of `columns`, for the SELECT list. */
function allOf(columns: Readonly<Record<AggFigure, string>>): string {
  return Object.values(columns).join(',\n    ');
}

/**
 * The aggregate columns that feed `figures` only, for a read that needs no more (a series of
 * two metrics). `requests` is always read: series order their lines by it. Figures left out
 * read as 0 or empty in `toAgg`, and nothing derives from them.
 */
export function aggregatesFor(level: LevelSql, figures: ReadonlySet<AggFigure>): string {
  return (Object.keys(level.columns) as AggFigure[])
    .filter((f) => f === 'requests' || figures.has(f))
    .map((f) => level.columns[f])
    .join(',\n    ');
}

const RAW_COLUMNS: Readonly<Record<AggFigure, string>> = {
  requests: 'count() AS agg_requests',
  errors: 'sum(is_error) AS agg_errors',
  cacheHits: 'sum(cache_hit) AS agg_cache_hits',
  streams: 'count(ttft_ms) AS agg_streams',
  queued: 'count(queue_wait_ms) AS agg_queued',
  inputTokens: 'sum(input_tokens) AS agg_input_tokens',
  outputTokens: 'sum(output_tokens) AS agg_output_tokens',
  cacheReadTokens: 'sum(cache_read_tokens) AS agg_cache_read_tokens',
  costUsd: `${COST} AS agg_cost_usd`,
  durationMsSum: 'sum(duration_ms) AS agg_duration_ms_sum',
  latency: `${ms(`${QUANTILES}(duration_ms * 1000)`)} AS agg_latency`,
  ttft: `${ms(`${QUANTILES}(ttft_ms * 1000)`)} AS agg_ttft`,
  queueWait: `${ms(`${QUANTILES}(queue_wait_ms * 1000)`)} AS agg_queue_wait`,
};

const RAW: LevelSql = {
  table: 'aiobs_inferences',
  range:
    'time >= fromUnixTimestamp64Milli({fromMs:Int64}) AND time < fromUnixTimestamp64Milli({toMs:Int64})',
  bucket: 'intDiv(toUnixTimestamp64Milli(time), {stepMs:Int64}) * {stepMs:Int64}',
  aggregates: allOf(RAW_COLUMNS),
  columns: RAW_COLUMNS,
  time: 'time',
  priceFrom: "toDateTime64(effective_from, 9, 'UTC')",
};

const ROLLUP_COLUMNS: Readonly<Record<AggFigure, string>> = {
  requests: 'sum(requests) AS agg_requests',
  errors: 'sum(errors) AS agg_errors',
  cacheHits: 'sum(cache_hits) AS agg_cache_hits',
  streams: 'sum(streams) AS agg_streams',
  queued: 'sum(queued) AS agg_queued',
  inputTokens: 'sum(input_tokens) AS agg_input_tokens',
  outputTokens: 'sum(output_tokens) AS agg_output_tokens',
  cacheReadTokens: 'sum(cache_read_tokens) AS agg_cache_read_tokens',
  costUsd: `${COST} AS agg_cost_usd`,
  durationMsSum: 'sum(duration_ms_sum) AS agg_duration_ms_sum',
  latency: `${ms(`${QUANTILES_MERGE}(latency_q)`)} AS agg_latency`,
  ttft: `${ms(`${QUANTILES_MERGE}(ttft_q)`)} AS agg_ttft`,
  queueWait: `${ms(`${QUANTILES_MERGE}(queue_wait_q)`)} AS agg_queue_wait`,
};

function rollup(table: string): LevelSql {
  return {
    table,
    range:
      'ts >= toDateTime(intDiv({fromMs:Int64}, 1000)) AND ts < toDateTime(intDiv({toMs:Int64}, 1000))',
    bucket: 'intDiv(toInt64(toUnixTimestamp(ts)) * 1000, {stepMs:Int64}) * {stepMs:Int64}',
    aggregates: allOf(ROLLUP_COLUMNS),
    columns: ROLLUP_COLUMNS,
    time: 'ts',
    priceFrom: "toDateTime(effective_from, 'UTC')",
  };
}

/** The SQL pieces of each level. */
export const LEVEL_SQL: Readonly<Record<Level, LevelSql>> = {
  raw: RAW,
  '1m': rollup('aiobs_inference_1m'),
  '1h': rollup('aiobs_inference_1h'),
};

/** Dimension columns a query may filter or group by (the same names at every level). */
export const DIMENSIONS = [
  'model',
  'version',
  'variant',
  'service',
  'provider',
  'operation',
] as const;

/** A dimension column. */
export type Dimension = (typeof DIMENSIONS)[number];
