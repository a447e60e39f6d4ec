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
  latency: ['latency_q', 'duration_ms', 'requests', 'count()'],
  ttft: ['ttft_q', 'ttft_ms', 'streams', 'count(ttft_ms)'],
  queueWait: ['queue_wait_q', 'queue_wait_ms', 'queued', 'count(queue_wait_ms)'],
} as const;

/** The stored sketches' merge (migration 0011's levels). */
const STORED_MERGE = `quantilesDDMerge(0.01, ${QUANTILE_LEVELS.join(', ')})`;

/** `v` (the figure) and `n` (how many inferences it rests on) of a kind, at a level. */
function aggregates(s: InferenceSignal, raw: boolean): { v: string; n: string } {
  const sum = (rollupCol: string, rawExpr: string) =>
    raw ? `toFloat64(${rawExpr})` : `toFloat64(sum(${rollupCol}))`;
  const requests = raw ? 'count()' : 'sum(requests)';
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
          ? `quantilesDDMerge(0.01, ${q})(${state})[1]`
          : `${STORED_MERGE}(${state})[indexOf([${QUANTILE_LEVELS.join(', ')}], ${q})]`;
      return {
        v: raw ? `quantileDD(0.01, ${q})(${column} * 1000) / 1000` : `${merged} / 1000`,
        n: raw ? rawCount : `sum(${count})`,
      };
    }
    case 'errorRate':
      return { v: `${sum('errors', 'sum(is_error)')} / ${requests}`, n: requests };
    case 'cacheHitRate':
      return { v: `${sum('cache_hits', 'sum(cache_hit)')} / ${requests}`, n: requests };
    case 'throughput':
      return { v: `toFloat64(${requests})`, n: requests };
    case 'tokens': {
      const input = sum('input_tokens', 'sum(input_tokens)');
      const output = sum('output_tokens', 'sum(output_tokens)');
      const v =
        s.tokenType === 'input'
          ? input
          : s.tokenType === 'output'
            ? output
            : `${input} + ${output}`;
      return { v, n: requests };
    }
    case 'cost':
      return { v: COST, n: requests };
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
  return pointTimes(grid).map((t, k) => {
    const r = byK.get(k);
    const count = r ? Number(r.n) : 0;
    let value: number | null =
      count > 0 && r?.v !== null && r?.v !== undefined ? Number(r.v) : null;
    if (value === null && ZERO_WHEN_EMPTY.has(s.kind)) value = 0;
    if (value !== null && perSecond(s)) {
      const seconds = (t - coveredFrom(t, windowMs, level)) / 1000;
      value = seconds > 0 ? value / seconds : null;
    }
    return { value, details: { inferences: count } };
  });
}

/** Kinds given per second: throughput, and tokens with `per: "s"`. */
function perSecond(s: InferenceSignal): boolean {
  return s.kind === 'throughput' || (s.kind === 'tokens' && s.per === 's');
}
