import { BadRequestError } from '../../errors.js';
import { LEVEL_MS, type Level } from '../../models/rollup-level.js';

/**
 * Points in time at which a signal is sampled, each over its trailing window, and the SQL
 * that hands every stored row to the points whose windows hold it. Pure.
 *
 * One evaluation is a grid of one point; the preview's series is a grid of many, read by
 * the same query (each row joined to its points with `arrayJoin`), so the last point of a
 * preview is exactly what the evaluator computes at that time.
 *
 * A window `[t - W, t)` read from a rollup level of width L covers the rows whose bucket
 * starts in `[floor_L(t - W), t)`: widened at its start to a whole bucket (at most L more),
 * and the bucket in progress counts as far as it has been written, so a rule sees the
 * newest data instead of waiting for the minute to close.
 */

/** Point `k` (0 ≤ k < n) is the end of a window: `firstMs + k · stepMs`. */
export interface Grid {
  firstMs: number;
  stepMs: number;
  n: number;
}

/** Most points one preview may ask for. */
export const MAX_POINTS = 2000;

/** The grid of one evaluation at `atMs`. */
export function onePoint(atMs: number): Grid {
  return { firstMs: atMs, stepMs: 60_000, n: 1 };
}

/** Points every `stepMs` ending at `toMs`, the first not before `fromMs`. */
export function gridOf(range: { fromMs: number; toMs: number; stepMs: number }): Grid {
  if (!(range.stepMs >= 1)) throw new BadRequestError('step must be at least 1 ms', 'step');
  const n = Math.floor(Math.max(0, range.toMs - range.fromMs) / range.stepMs) + 1;
  if (n > MAX_POINTS)
    throw new BadRequestError(
      `the preview would have ${n} points (at most ${MAX_POINTS}): use a longer step or a shorter range`,
      'step',
    );
  return { firstMs: range.toMs - (n - 1) * range.stepMs, stepMs: range.stepMs, n };
}

/** End of each window of the grid, Unix ms. */
export function pointTimes(grid: Grid): number[] {
  return Array.from({ length: grid.n }, (_, k) => grid.firstMs + k * grid.stepMs);
}

/**
 * The stored level a window is read from: raw rows for windows under 2 minutes (a test's
 * "10s"; a minute bucket would be most of it), minute rollups up to a day, hourly beyond.
 * `rawOnly` when a filter exists only on raw rows (host, attributes).
 */
export function windowLevel(windowMs: number, rawOnly = false): Level {
  if (rawOnly || windowMs < 120_000) return 'raw';
  if (windowMs <= 86_400_000) return '1m';
  return '1h';
}

/** Width of a level's rows (raw rows are exact to the ms). */
export function rowWidth(level: Level): number {
  return LEVEL_MS[level];
}

/** Start of the stretch a window really covers on a level (its start floored to a row). */
export function coveredFrom(endMs: number, windowMs: number, level: Level): number {
  const l = rowWidth(level);
  return Math.floor((endMs - windowMs) / l) * l;
}

/** `[fromMs, toMs)` of the rows any point of the grid needs. */
export function rowsRange(grid: Grid, windowMs: number, level: Level) {
  return {
    fromMs: Math.max(0, coveredFrom(grid.firstMs, windowMs, level)),
    toMs: grid.firstMs + (grid.n - 1) * grid.stepMs,
  };
}

/** Query parameters of {@link pointsOfRow} (named `<p>_first`, ... for a prefix `p`). */
export function gridParams(grid: Grid, windowMs: number, level: Level, p = 'g') {
  return {
    [`${p}_first`]: grid.firstMs,
    [`${p}_step`]: grid.stepMs,
    [`${p}_n`]: grid.n,
    [`${p}_reach`]: windowMs + rowWidth(level),
  };
}

/**
 * SQL: the indices of the points whose windows hold a row starting at `tsMs` (an Int64
 * expression). Row ts is in window k iff `floor_L(t_k − W) ≤ ts < t_k`, that is
 * `ts < t_k < ts + L + W`, so k runs from ⌊(ts − first)/step⌋ + 1 to ⌈(ts + L + W − first)/step⌉ − 1.
 */
export function pointsOfRow(tsMs: string, p = 'g'): string {
  const [first, step, n, reach] = ['first', 'step', 'n', 'reach'].map((x) => `{${p}_${x}:Int64}`);
  return `range(
    toInt64(greatest(0, toInt64(floor((${tsMs} - ${first}) / ${step})) + 1)),
    toInt64(greatest(0, least(${n}, toInt64(ceil((${tsMs} + ${reach} - ${first}) / ${step}))))))`;
}

/** A validated finite number as SQL text (for aggregate parameters, which cannot be bound). */
export function numberLiteral(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return String(x);
}
