import type { Level } from '../../models/rollup-level.js';
import type { Params } from '../../storage/db.js';
import type { SignalContext, SignalSample } from '../contract.js';
import { BURN_WINDOWS_MS, type Counts, judgeBurn } from './burn-rate.js';
import { type Grid, gridParams, pointsOfRow, rowsRange } from './grid.js';
import { durationMs, type Signal } from './schema.js';
import { LE_BOUNDS_MS } from './scope.js';
import { inferenceWhere } from './where.js';

/**
 * SLO burn-rate signals: good and total requests from the model rollups' counts (errors,
 * or the fixed latency/TTFT buckets `*_le` whose boundary is the threshold), over the four
 * burn windows (per-minute rows) and the SLO period (hourly rows), then judged by
 * {@link judgeBurn}. One query per grid (the two levels' parts joined by UNION ALL), each
 * row handed to the points that need it.
 */

type SloSignal = Extract<Signal, { kind: 'slo' }>;

/** Good and total of one rollup row group, as SQL over the level's columns. */
function countsSql(s: SloSignal): { good: string; total: string } {
  const o = s.objective;
  if (o.kind === 'errors') return { good: 'sum(requests) - sum(errors)', total: 'sum(requests)' };
  const i = LE_BOUNDS_MS.indexOf(o.thresholdMs) + 1;
  if (i === 0) throw new Error(`thresholdMs ${o.thresholdMs} is not a bucket boundary`);
  return o.kind === 'latency'
    ? { good: `sumForEachMerge(latency_le)[${i}]`, total: 'sum(requests)' }
    : { good: `sumForEachMerge(ttft_le)[${i}]`, total: 'sum(streams)' };
}

/**
 * SQL of per-point good and total counts over each window `[floor_L(t − w), t)` of
 * `windowsMs` on one level, as arrays; its parameters are prefixed with `p`.
 */
function windowCountsSql(
  ctx: SignalContext,
  s: SloSignal,
  level: Level,
  windowsMs: readonly number[],
  grid: Grid,
  p: string,
): { sql: string; params: Params } {
  const longest = Math.max(...windowsMs);
  const range = rowsRange(grid, longest, level);
  const { kind: _, objective: _o, target: _t, period: _p, ...filters } = s;
  const w = inferenceWhere(ctx.db, ctx.project, filters, level, range, {
    lo: `${p}_lo`,
    hi: `${p}_hi`,
  });
  const width = level === '1h' ? 3_600_000 : 60_000;
  const c = countsSql(s);
  const inWindow = (ms: number) => `ts_ms >= intDiv(t - ${ms}, ${width}) * ${width}`;
  const goods = windowsMs.map((ms) => `sumIf(good, ${inWindow(ms)})`).join(', ');
  const totals = windowsMs.map((ms) => `sumIf(total, ${inWindow(ms)})`).join(', ');
  const table = ctx.db.table(level === '1h' ? 'aiobs_inference_1h' : 'aiobs_inference_1m');
  return {
    sql: `SELECT '${p}' AS part, arrayJoin(${pointsOfRow('ts_ms', p)}) AS k,
       {${p}_first:Int64} + k * {${p}_step:Int64} AS t,
       [${goods}] AS goods, [${totals}] AS totals
     FROM (
       SELECT toInt64(toUnixTimestamp(ts)) * 1000 AS ts_ms, ${c.good} AS good, ${c.total} AS total
       FROM ${table} WHERE ${w.sql} GROUP BY ts_ms
     )
     GROUP BY k`,
    params: { ...w.params, ...gridParams(grid, longest, level, p) },
  };
}

/** The SLO at every point of `grid` (the rule's window plays no part: the SLO has its own). */
export async function sloPoints(
  ctx: SignalContext,
  s: SloSignal,
  grid: Grid,
): Promise<SignalSample[]> {
  const periodMs = durationMs(s.period);
  // One query: the burn windows from minute rows, the period from hourly rows.
  const short = windowCountsSql(ctx, s, '1m', BURN_WINDOWS_MS, grid, 'm');
  const long = windowCountsSql(ctx, s, '1h', [periodMs], grid, 'h');
  const rows = await ctx.db.rows<{
    part: string;
    k: number | string;
    goods: (number | string)[];
    totals: (number | string)[];
  }>(`${short.sql}\n     UNION ALL\n     ${long.sql}`, { ...short.params, ...long.params });
  const counts = new Map<string, Counts[]>();
  for (const r of rows)
    counts.set(
      `${r.part}${Number(r.k)}`,
      r.goods.map((g, j) => ({ good: Number(g), total: Number(r.totals[j]) })),
    );
  const none: Counts = { good: 0, total: 0 };
  return Array.from({ length: grid.n }, (_, k) => {
    const w = counts.get(`m${k}`) ?? [];
    return judgeBurn({
      windows: Object.fromEntries(BURN_WINDOWS_MS.map((ms, j) => [ms, w[j] ?? none])),
      period: counts.get(`h${k}`)?.[0] ?? none,
      target: s.target,
      periodMs,
    });
  });
}
