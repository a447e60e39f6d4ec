import type { Db, Params } from '../storage/db.js';
import type { SeenRow } from './changes.js';
import { createGpuCostRepo } from './prices-gpu-repo.js';
import type { LevelChoice } from './rollup-level.js';
import {
  type AggFigure,
  aggregatesFor,
  DIMENSIONS,
  type Dimension,
  fromWithPrices,
  LEVEL_SQL,
} from './sql.js';
import type { Agg } from './stats.js';

/**
 * Reads of the typed inference rows and their rollups. Every query is bound to one
 * project; every value arrives as a bound parameter.
 */

/** Which inferences a query covers, besides its project and time range. */
export type InferenceFilter = Partial<Record<Dimension, string>>;

/** A model and the values it was seen with (each list sorted, without ''). */
export interface ModelValueRow {
  model: string;
  providers: string[];
  versions: string[];
  variants: string[];
  services: string[];
  operations: string[];
}

/** The SELECT list of a {@link ModelValueRow}'s lists, grouped by model. */
const VALUES_SEEN = (['provider', 'version', 'variant', 'service', 'operation'] as const)
  .map((c) => `arraySort(arrayFilter(x -> x != '', groupUniqArray(${c}))) AS ${c}s`)
  .join(', ');

/** Per-model figures plus the values each model was seen with. */
export interface ModelAggRow extends ModelValueRow {
  agg: Agg;
}

/** One stored inference row (raw level), as the engine returns it. */
export interface InferenceDbRow {
  time_ns: string;
  trace_id: string;
  span_id: string;
  service: string;
  operation: string;
  provider: string;
  model: string;
  request_model: string;
  response_model: string;
  version: string;
  variant: string;
  duration_ms: number;
  ttft_ms: number | null;
  queue_wait_ms: number | null;
  input_tokens: string | number;
  output_tokens: string | number;
  cache_read_tokens: string | number;
  cache_hit: number;
  is_error: number;
  status_code: string;
  error_type: string;
  finish_reasons: string[];
  prediction_id: string;
  host_name: string;
  k8s_node_name: string;
  k8s_pod_name: string;
  cost: number;
}

type AggColumns = Record<`agg_${string}`, unknown>;

function num(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

function quantiles(v: unknown): (number | null)[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => {
    const n = typeof x === 'number' ? x : Number(x);
    return x !== null && Number.isFinite(n) ? n : null;
  });
}

/** The {@link Agg} of a row with `agg_*` columns (64-bit integers arrive as strings). */
export function toAgg(row: AggColumns): Agg {
  return {
    requests: num(row.agg_requests),
    errors: num(row.agg_errors),
    cacheHits: num(row.agg_cache_hits),
    streams: num(row.agg_streams),
    queued: num(row.agg_queued),
    inputTokens: num(row.agg_input_tokens),
    outputTokens: num(row.agg_output_tokens),
    cacheReadTokens: num(row.agg_cache_read_tokens),
    costUsd: num(row.agg_cost_usd),
    durationMsSum: num(row.agg_duration_ms_sum),
    latency: quantiles(row.agg_latency),
    ttft: quantiles(row.agg_ttft),
    queueWait: quantiles(row.agg_queue_wait),
  };
}

/** Host key of a raw inference row: the Kubernetes node name, else host.name. */
const HOST_KEY = "if(k8s_node_name != '', k8s_node_name, host_name)";

/**
 * Conditions and parameters shared by every read: project, range and filters. `hosts`
 * (raw rows only: rollups have no host) keeps the inferences served by those hosts.
 */
function where(
  project: string,
  range: LevelChoice,
  filter: InferenceFilter,
  hosts?: readonly string[],
): { sql: string; params: Params } {
  const params: Params = { project, fromMs: range.fromMs, toMs: range.toMs };
  const conds = ['project_id = {project:String}', LEVEL_SQL[range.level].range];
  if (hosts !== undefined) {
    if (range.level !== 'raw') throw new Error('a host filter needs the raw level');
    params.hosts = [...hosts];
    conds.push(`${HOST_KEY} IN {hosts:Array(String)}`);
  }
  for (const d of DIMENSIONS) {
    const v = filter[d];
    if (v === undefined) continue;
    params[`f_${d}`] = v;
    conds.push(`${d} = {f_${d}:String}`);
  }
  return { sql: conds.join(' AND '), params };
}

/** Creates the models repository over the engine's read helpers. */
export function createModelsRepo(db: Db) {
  const gpuCost = createGpuCostRepo(db);
  return {
    /** Figures per model over the range (most requests first, at most `limit`). */
    async findModels(
      project: string,
      range: LevelChoice,
      filter: InferenceFilter,
      limit: number,
    ): Promise<ModelAggRow[]> {
      const lv = LEVEL_SQL[range.level];
      const w = where(project, range, filter);
      // GPU-hour cost of self-hosted models (prices-gpu.ts). The model->host map splits
      // requests by model and service only, so a filter on another dimension leaves it out.
      const { model: _m, service, ...others } = filter;
      const gpuPriced = Object.keys(others).length === 0;
      // The rates are asked for beside the figures, not after them: the embedded engine runs
      // one read at a time in the order asked, so a second read sent after the first answer
      // waits behind every other call the page made meanwhile (the Overview's models list
      // answered last of eight calls).
      const [rows, rates] = await Promise.all([
        db.rows<AggColumns & Record<string, unknown>>(
          `SELECT model, ${VALUES_SEEN}, ${lv.aggregates}
         FROM ${fromWithPrices(lv, db.table)} WHERE ${w.sql}
         GROUP BY model ORDER BY agg_requests DESC, model LIMIT {limit:UInt32}`,
          { ...w.params, limit },
        ),
        gpuPriced ? gpuCost.rates(project) : [],
      ]);
      const models = rows.map((r) => ({
        model: String(r.model),
        providers: r.providers as string[],
        versions: r.versions as string[],
        variants: r.variants as string[],
        services: r.services as string[],
        operations: r.operations as string[],
        agg: toAgg(r),
      }));
      if (models.length > 0 && gpuPriced) {
        const usd = await gpuCost.costByModel(
          project,
          range,
          models.map((m) => m.model).filter((m) => rates.some((r) => r.model === m)),
          rates,
          service,
        );
        for (const m of models) m.agg.costUsd += usd.get(m.model) ?? 0;
      }
      return models;
    },

    /**
     * Each model over the range with the values it was served with and its request count,
     * most requests first (at most `limit`). No figures: no percentile sketch is merged and
     * no price joined, so a model picker pays a fraction of {@link findModels}.
     */
    async findModelValues(
      project: string,
      range: LevelChoice,
      filter: InferenceFilter,
      limit: number,
    ): Promise<Array<ModelValueRow & { requests: number }>> {
      const lv = LEVEL_SQL[range.level];
      const w = where(project, range, filter);
      const rows = await db.rows<ModelValueRow & { agg_requests: unknown }>(
        `SELECT model, ${VALUES_SEEN}, ${lv.columns.requests}
         FROM ${db.table(lv.table)} WHERE ${w.sql}
         GROUP BY model ORDER BY agg_requests DESC, model LIMIT {limit:UInt32}`,
        { ...w.params, limit },
      );
      return rows.map(({ agg_requests, ...r }) => ({ ...r, requests: Number(agg_requests) }));
    },

    /** Figures of all matching inferences over the range, as one aggregate. */
    async summarize(project: string, range: LevelChoice, filter: InferenceFilter): Promise<Agg> {
      const lv = LEVEL_SQL[range.level];
      const w = where(project, range, filter);
      const rows = await db.rows<AggColumns>(
        `SELECT ${lv.aggregates} FROM ${fromWithPrices(lv, db.table)} WHERE ${w.sql}`,
        w.params,
      );
      return toAgg(rows[0] ?? {});
    },

    /**
     * Figures per bucket of `stepMs` (and per value of `groupBy`, if given). With `figures`,
     * only those are read (and `requests`); the others are 0 or empty in the answer. A
     * series of two metrics then merges one percentile sketch per row instead of three, and
     * joins the prices only for a cost.
     */
    async series(
      project: string,
      range: LevelChoice,
      filter: InferenceFilter,
      stepMs: number,
      groupBy?: Dimension,
      hosts?: readonly string[],
      figures?: ReadonlySet<AggFigure>,
    ): Promise<{ bucketMs: number; group: Partial<Record<Dimension, string>>; agg: Agg }[]> {
      const lv = LEVEL_SQL[range.level];
      const w = where(project, range, filter, hosts);
      const g = groupBy ? `, ${groupBy} AS g_value` : '';
      const aggregates = figures ? aggregatesFor(lv, figures) : lv.aggregates;
      const from =
        figures && !figures.has('costUsd') ? db.table(lv.table) : fromWithPrices(lv, db.table);
      const rows = await db.rows<AggColumns & { bucket_ms: string; g_value?: string }>(
        `SELECT ${lv.bucket} AS bucket_ms${g}, ${aggregates}
         FROM ${from} WHERE ${w.sql}
         GROUP BY bucket_ms${groupBy ? ', g_value' : ''} ORDER BY bucket_ms`,
        { ...w.params, stepMs },
      );
      return rows.map((r) => ({
        bucketMs: Number(r.bucket_ms),
        group: groupBy ? { [groupBy]: String(r.g_value) } : {},
        agg: toAgg(r),
      }));
    },

    /**
     * The slowest inferences in the range (raw rows), slowest first; ties by trace and span
     * id. A scalar subquery first finds the `limit`-th longest duration (a top-N on one
     * Float64 column); the price join and the sort on the id strings then run on the rows at
     * or above it only, which is the same answer. Joining and sorting every row of 7 days
     * took five times longer (docs/benchmarks.md, "Model queries"). A `LIMIT … WITH TIES`
     * subquery as the join's left side was far slower still on this engine.
     */
    async slowest(
      project: string,
      range: { fromMs: number; toMs: number },
      filter: InferenceFilter,
      limit: number,
    ): Promise<InferenceDbRow[]> {
      const w = where(project, { level: 'raw', ...range }, filter);
      const threshold = `(SELECT min(d) FROM (SELECT duration_ms AS d
         FROM ${db.table('aiobs_inferences')} WHERE ${w.sql} ORDER BY d DESC LIMIT {limit:UInt32}))`;
      return db.rows<InferenceDbRow>(
        `SELECT toString(toUnixTimestamp64Nano(time)) AS time_ns, trace_id, span_id, service,
           operation, provider, model, request_model, response_model, version, variant,
           duration_ms, ttft_ms, queue_wait_ms, input_tokens, output_tokens, cache_read_tokens,
           cache_hit, is_error, status_code, error_type, finish_reasons, prediction_id,
           host_name, k8s_node_name, k8s_pod_name,
           cost_usd + (greatest(toInt64(input_tokens) - toInt64(cache_read_tokens), 0) * price_in
             + cache_read_tokens * price_cached + output_tokens * price_out) / 1e6 AS cost
         FROM ${fromWithPrices(LEVEL_SQL.raw, db.table)}
         WHERE ${w.sql} AND duration_ms >= ${threshold}
         ORDER BY duration_ms DESC, trace_id, span_id LIMIT {limit:UInt32}`,
        { ...w.params, limit },
      );
    },

    /** First/last sighting of every (model, version, variant) of the project. */
    async seen(project: string): Promise<SeenRow[]> {
      const rows = await db.rows<Record<string, string>>(
        `SELECT model, version, variant,
           toUnixTimestamp64Milli(min(first_seen)) AS first_ms,
           toUnixTimestamp64Milli(max(last_seen)) AS last_ms,
           sum(requests) AS requests
         FROM ${db.table('aiobs_model_seen')} WHERE project_id = {project:String}
         GROUP BY model, version, variant LIMIT 100000`,
        { project },
      );
      return rows.map((r) => ({
        model: String(r.model),
        version: String(r.version),
        variant: String(r.variant),
        firstMs: Number(r.first_ms),
        lastMs: Number(r.last_ms),
        requests: Number(r.requests),
      }));
    },
  };
}

/** The models repository. */
export type ModelsRepo = ReturnType<typeof createModelsRepo>;
