import { BadRequestError } from '../errors.js';

/**
 * Which stored level answers a model query, and the range aligned to it. Pure.
 *
 * Three levels hold the same inferences: `raw` (one row per inference, exact times), `1m`
 * and `1h` (rollups whose rows cover a whole minute or hour). A coarser level reads far
 * fewer rows, but can only answer for whole buckets, so:
 *
 * - a **series** uses the coarsest level whose bucket divides the step, and its range is
 *   widened to whole steps on the epoch-aligned grid (`from` floored, `to` ceiled);
 * - a **summary** (one figure over the range) uses the coarsest level for which widening
 *   the range to whole buckets adds at most {@link SUMMARY_SLACK} of its length (so "last
 *   7 days" reads hours, "last 24 h" minutes and "last 15 min" the raw rows);
 * - a level whose retention no longer covers `from` is skipped for a coarser one.
 *
 * The chosen level and the aligned range are returned to the caller, who reports them.
 */

/** A stored level of inference data. */
export type Level = 'raw' | '1m' | '1h';

/** Bucket width of each level in ms (raw rows are exact to the nanosecond; 1 ms here). */
export const LEVEL_MS: Readonly<Record<Level, number>> = { raw: 1, '1m': 60_000, '1h': 3_600_000 };

/** Most a summary's range may grow (as a share of its length) to use a coarser level. */
export const SUMMARY_SLACK = 0.02;

/** Levels from coarsest to finest. */
const COARSE_FIRST: readonly Level[] = ['1h', '1m', 'raw'];

/** The level picked and the range it answers for, `[fromMs, toMs)`. */
export interface LevelChoice {
  level: Level;
  fromMs: number;
  toMs: number;
}

/** Earliest time (Unix ms) each level still holds, from the retention settings. */
export type Horizons = Readonly<Record<Level, number>>;

/** Horizons for retention days per level, as of `nowMs`. */
export function horizonsFor(
  nowMs: number,
  days: { raw: number; minute: number; hour: number },
): Horizons {
  return {
    raw: nowMs - days.raw * 86_400_000,
    '1m': nowMs - days.minute * 86_400_000,
    '1h': nowMs - days.hour * 86_400_000,
  };
}

function floorTo(ms: number, unit: number): number {
  return Math.floor(ms / unit) * unit;
}

function ceilTo(ms: number, unit: number): number {
  return Math.ceil(ms / unit) * unit;
}

/**
 * Level and aligned range for a series with buckets of `stepMs`.
 * `force` (the API's `level` parameter) must divide the step.
 *
 * @example
 * pickSeriesLevel({ fromMs: 90_000, toMs: 7_230_000 }, 300_000)
 * // → { level: '1m', fromMs: 0, toMs: 7_500_000 }
 */
export function pickSeriesLevel(
  range: { fromMs: number; toMs: number },
  stepMs: number,
  force?: Level,
): LevelChoice {
  const fromMs = floorTo(range.fromMs, stepMs);
  // An empty range still gets one bucket.
  const toMs = Math.max(ceilTo(range.toMs, stepMs), fromMs + stepMs);
  if (force !== undefined) {
    if (stepMs % LEVEL_MS[force] !== 0)
      throw new BadRequestError(
        `level ${force} needs a step that is a whole number of ${LEVEL_MS[force] / 1000} s`,
        'level',
      );
    return { level: force, fromMs, toMs };
  }
  const level = COARSE_FIRST.find((l) => stepMs % LEVEL_MS[l] === 0) ?? 'raw';
  return { level, fromMs, toMs };
}

/**
 * Level and aligned range for one figure over `range`. With `horizons`, a level that no
 * longer holds `from` is not used while a coarser one does.
 *
 * @example
 * pickSummaryLevel({ fromMs: 0, toMs: 7 * 86_400_000 + 1 })  // → level '1h', toMs 7d + 1h
 */
export function pickSummaryLevel(
  range: { fromMs: number; toMs: number },
  horizons?: Horizons,
  force?: Level,
): LevelChoice {
  const span = Math.max(0, range.toMs - range.fromMs);
  const align = (level: Level): LevelChoice => {
    const unit = LEVEL_MS[level];
    return { level, fromMs: floorTo(range.fromMs, unit), toMs: ceilTo(range.toMs, unit) };
  };
  if (force !== undefined) return align(force);
  // Levels that still hold `from`; when none does, the coarsest holds the oldest data.
  const usable = COARSE_FIRST.filter((l) => horizons === undefined || horizons[l] <= range.fromMs);
  for (const level of usable) {
    const c = align(level);
    if (level === 'raw' || c.toMs - c.fromMs - span <= span * SUMMARY_SLACK) return c;
  }
  // Raw rows are past retention and the slack was exceeded: the finest level left.
  return align(usable[usable.length - 1] ?? '1h');
}

/** Parses the API's `level` parameter (absent: chosen automatically). */
export function parseLevel(value: string | undefined): Level | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (value === 'raw' || value === '1m' || value === '1h') return value;
  throw new BadRequestError('level must be "auto", "raw", "1m" or "1h"', 'level');
}
