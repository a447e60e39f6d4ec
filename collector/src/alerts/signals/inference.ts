import type { Level } from '../../models/rollup-level.js';
import { COST, fromWithPrices, LEVEL_SQL } from '../../models/sql.js';
import { QUANTILE_LEVELS } from '../../models/stats.js';
import type { SignalContext, SignalSample } from '../contract.js';
import {
  coveredFrom,
  type Grid,
  gridParams,
  numberLiteral,
  pointsOfRow,
  pointTimes,
  rowsRange,
  windowLevel,
} from './grid.js';
import type { BaseSignal } from './schema.js';
import { inferenceWhere, levelTsMs, needsRaw } from './where.js';

/**
 * The inference kinds (latency, TTFT, queue wait, error rate, throughput, tokens, cost,
 * cache hit rate), read from the model rollups: one query per grid, every row handed to
 * the points whose windows hold it. Quantiles merge the stored DDSketch states (relative
 * accuracy 1%, read in µs and divided by 1000, as the models module does), so a value
 * equals the models API's for the same rows.
 */

/** The inference kinds. */
export type InferenceSignal = Extract<
  BaseSignal,
  {
    kind:
      | 'latency'
      | 'ttft'
      | 'queueWait'
      | 'errorRate'
      | 'throughput'
      | 'tokens'
      | 'cost'
      | 'cacheHitRate';
  }
>;

/** The sketch column (rollup) and the ms column (raw) of each quantile kind. */
const SKETCH = {
  latency: ['latency_q', 'duration_ms', 'requests', ''],
  ttft: ['ttft_q', 'ttft_ms', 'streams', 'ttft_ms'],
  queueWait: ['queue_wait_q', 'queue_wait_ms', 'queued', 'queue_wait_ms'],
} as const;

/** Parameters of the stored sketches' merge (migration 0011's levels). */
const STORED_PARAMS = `0.01, ${QUANTILE_LEVELS.join(', ')}`;

/**
 * `v` (the figure) and `n` (how many inferences it rests on) of a kind, at a level. With
 * `iff` (a condition on the row) every aggregate takes only the rows that meet it (the `-If`
 * combinator), so one query can compute the figures of many signals side by side
 * ({@link inferenceBatch}) with the very expressions a lone read uses.
 */
export function aggregates(
  s: InferenceSignal,
  raw: boolean,
  iff?: string,
): { v: string; n: string } {
  /** `fn(args)`, or `fnIf(args, iff)`; `params` are a parametric function's parameters. */
  const agg = (fn: string, args: string, params?: string) => {
    const head = params === undefined ? '' : `(${params})`;
    if (iff === undefined) return `${fn}${head}(${args})`;
    return `${fn}If${head}(${args === '' ? iff : `${args}, ${iff}`})`;
  };
  const sum = (rollupCol: string, rawCol: string) =>
    `toFloat64(${agg('sum', raw ? rawCol : rollupCol)})`;
  const requests = raw ? agg('count', '') : agg('sum', 'requests');
  switch (s.kind) {
    case 'latency':
    case 'ttft':
    case 'queueWait': {
      const [state, column, count, rawCount] = SKETCH[s.kind];
      const q = numberLiteral(s.quantile);
      // Latency sketches merge at any level. TTFT and queue-wait states are Nullable, and
      // the engine merges those only with the stored levels' own function: the schema
      // allows just those levels for them, and the value is picked from the array.
      const merged =
        s.kind === 'latency'
          ? `${agg('quantilesDDMerge', state, `0.01, ${q}`)}[1]`
          : `${agg('quantilesDDMerge', state, STORED_PARAMS)}[indexOf([${QUANTILE_LEVELS.join(', ')}], ${q})]`;
      return {
        v: raw
          ? `${agg('quantileDD', `${column} * 1000`, `0.01, ${q}`)} / 1000`
          : `${merged} / 1000`,
        n: raw ? agg('count', rawCount) : agg('sum', count),
      };
    }
    case 'errorRate':
      return { v: `${sum('errors', 'is_error')} / ${requests}`, n: requests };
    case 'cacheHitRate':
      return { v: `${sum('cache_hits', 'cache_hit')} / ${requests}`, n: requests };
    case 'throughput':
      return { v: `toFloat64(${requests})`, n: requests };
    case 'tokens': {
      const input = sum('input_tokens', 'input_tokens');
      const output = sum('output_tokens', 'output_tokens');
      const v =
        s.tokenType === 'input'
          ? input
          : s.tokenType === 'output'
            ? output
            : `${input} + ${output}`;
      return { v, n: requests };
    }
    case 'cost':
      // COST is `sum(<per-row USD>)`.
      return { v: agg('sum', COST.slice('sum('.length, -1)), n: requests };
  }
}

/** Sums over the window are 0 without data; ratios and quantiles have no value. */
const ZERO_WHEN_EMPTY = new Set(['throughput', 'tokens', 'cost']);

/**
 * The signal at every point of `grid`, each over its trailing `windowMs`.
 *
 * @example
 * await inferencePoints(ctx, { kind: 'errorRate', model: 'm' }, 300_000, onePoint(Date.now()));
 */
export async function inferencePoints(
  ctx: SignalContext,
  s: InferenceSignal,
  windowMs: number,
  grid: Grid,
): Promise<SignalSample[]> {
  const level = windowLevel(windowMs, needsRaw(s));
  const lv = LEVEL_SQL[level];
  const raw = level === 'raw';
  const range = rowsRange(grid, windowMs, level);
  const w = inferenceWhere(ctx.db, ctx.project, s, level, range);
  const { v, n } = aggregates(s, raw);
  const priced = s.kind === 'cost';
  const from = priced ? fromWithPrices(lv, ctx.db.table) : ctx.db.table(lv.table);
  const rows = await ctx.db.rows<{ k: number | string; v: number | null; n: number | string }>(
    `SELECT arrayJoin(${pointsOfRow(levelTsMs(level))}) AS k,
       ${v} AS v, ${n} AS n
     FROM ${from} WHERE ${w.sql}
     GROUP BY k ORDER BY k`,
    { ...w.params, ...gridParams(grid, windowMs, level) },
  );
  const byK = new Map(rows.map((r) => [Number(r.k), r]));
  return pointTimes(grid).map((t, k) => sampleOf(s, byK.get(k), t, windowMs, level));
}

/**
 * The sample of a point ending at `t` from its aggregated row (`v`, `n`; none when no row
 * fell in the window).
 */
export function sampleOf(
  s: InferenceSignal,
  r: { v: number | null; n: number | string } | undefined,
  t: number,
  windowMs: number,
  level: Level,
): SignalSample {
  const count = r ? Number(r.n) : 0;
  let value: number | null = count > 0 && r?.v !== null && r?.v !== undefined ? Number(r.v) : null;
  if (value === null && ZERO_WHEN_EMPTY.has(s.kind)) value = 0;
  if (value !== null && perSecond(s)) {
    const seconds = (t - coveredFrom(t, windowMs, level)) / 1000;
    value = seconds > 0 ? value / seconds : null;
  }
  return { value, details: { inferences: count } };
}

/** Kinds given per second: throughput, and tokens with `per: "s"`. */
function perSecond(s: InferenceSignal): boolean {
  return s.kind === 'throughput' || (s.kind === 'tokens' && s.per === 's');
}
