import type { Level } from '../../models/rollup-level.js';
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
 * {@link judgeBurn}. Two queries per grid, each row handed to the points that need it.
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

/** Per point, good and total over each window `[floor_L(t − w), t)` of `windowsMs`. */
async function windowCounts(
  ctx: SignalContext,
  s: SloSignal,
  level: Level,
  windowsMs: readonly number[],
  grid: Grid,
): Promise<Map<number, Counts[]>> {
  const longest = Math.max(...windowsMs);
  const range = rowsRange(grid, longest, level);
  const { kind: _, objective: _o, target: _t, period: _p, ...filters } = s;
  const w = inferenceWhere(ctx.db, ctx.project, filters, level, range);
  const width = level === '1h' ? 3_600_000 : 60_000;
  const c = countsSql(s);
  const sums = windowsMs
    .map((ms, j) => {
      const inWindow = `ts_ms >= intDiv(t - ${ms}, ${width}) * ${width}`;
      return `sumIf(good, ${inWindow}) AS good_${j}, sumIf(total, ${inWindow}) AS total_${j}`;
    })
    .join(',\n       ');
  const table = ctx.db.table(level === '1h' ? 'aiobs_inference_1h' : 'aiobs_inference_1m');
  const rows = await ctx.db.rows<Record<string, number | string>>(
    `SELECT arrayJoin(${pointsOfRow('ts_ms')}) AS k, {g_first:Int64} + k * {g_step:Int64} AS t,
       ${sums}
     FROM (
       SELECT toInt64(toUnixTimestamp(ts)) * 1000 AS ts_ms, ${c.good} AS good, ${c.total} AS total
       FROM ${table} WHERE ${w.sql} GROUP BY ts_ms
     )
     GROUP BY k ORDER BY k`,
    { ...w.params, ...gridParams(grid, longest, level) },
  );
  return new Map(
    rows.map((r) => [
      Number(r.k),
      windowsMs.map((_, j) => ({ good: Number(r[`good_${j}`]), total: Number(r[`total_${j}`]) })),
    ]),
  );
}

/** The SLO at every point of `grid` (the rule's window plays no part: the SLO has its own). */
export async function sloPoints(
  ctx: SignalContext,
  s: SloSignal,
  grid: Grid,
): Promise<SignalSample[]> {
  const periodMs = durationMs(s.period);
  const [short, long] = await Promise.all([
    windowCounts(ctx, s, '1m', BURN_WINDOWS_MS, grid),
    windowCounts(ctx, s, '1h', [periodMs], grid),
  ]);
  const none: Counts = { good: 0, total: 0 };
  return Array.from({ length: grid.n }, (_, k) => {
    const w = short.get(k) ?? [];
    return judgeBurn({
      windows: Object.fromEntries(BURN_WINDOWS_MS.map((ms, j) => [ms, w[j] ?? none])),
      period: long.get(k)?.[0] ?? none,
      target: s.target,
      periodMs,
    });
  });
}
