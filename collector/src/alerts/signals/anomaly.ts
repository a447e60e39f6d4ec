import type { SignalSample } from '../contract.js';

/**
 * Anomaly bands, pure: a signal's value against its own seasonal history (the same time of
 * day on previous days, or of the week on previous weeks), with the median as the centre
 * and the median absolute deviation as a robust spread, so one past incident in the
 * history neither moves the centre nor widens the band much.
 *
 *   spread = 1.4826 · MAD   (MAD scaled to the standard deviation of a normal sample)
 *   score  = |value − median| / spread
 *   band   = median ± threshold · spread
 *
 * When more than half of the history is the same value the MAD is 0; then the spread is
 * 1.2533 · mean absolute deviation (Iglewicz & Hoaglin's modified z-score), and when that
 * is 0 too (a flat history) any other value is infinitely far: the score is reported as
 * null and the sample breaches.
 */

/** Scales a MAD to a normal standard deviation. */
export const MAD_SCALE = 1.4826;
/** Scales a mean absolute deviation to a normal standard deviation (√(π/2)). */
export const MEAN_AD_SCALE = 1.253314;

/** Past points needed before a band is drawn, by seasonality. */
export const DEFAULT_MIN_HISTORY = { daily: 7, weekly: 4 } as const;
/** Past points read (at most), by seasonality: two weeks of days, eight weeks. */
export const HISTORY_POINTS = { daily: 14, weekly: 8 } as const;
/** Length of a season, ms. */
export const SEASON_MS = { daily: 86_400_000, weekly: 604_800_000 } as const;

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The centre and robust spread of a history. */
export function robustSpread(history: readonly number[]): { median: number; spread: number } {
  const med = median(history);
  const deviations = history.map((x) => Math.abs(x - med));
  const mad = median(deviations);
  if (mad > 0) return { median: med, spread: MAD_SCALE * mad };
  const meanAd = deviations.reduce((a, b) => a + b, 0) / deviations.length;
  return { median: med, spread: MEAN_AD_SCALE * meanAd };
}

/** Options of an anomaly judgement. */
export interface AnomalyOptions {
  /** Distance in spreads beyond which the value is anomalous. */
  threshold: number;
  /** Past points needed. */
  minHistory: number;
}

/**
 * Judges `value` against `history` (past values; nulls are points without data, skipped).
 * Fewer than `minHistory` points: value null (no data) with `insufficientHistory` set to the
 * points there are.
 *
 * @example
 * judgeAnomaly(30, [10, 11, 9, 10, 12, 10, 8], { threshold: 3, minHistory: 7 })
 * // → { value: 30, breach: 'firing', band: { lower: 5.5522, upper: 14.4478 }, details: { score: 13.49, … } }
 */
export function judgeAnomaly(
  value: number | null,
  history: readonly (number | null)[],
  opts: AnomalyOptions,
): SignalSample {
  const past = history.filter((x): x is number => x !== null && Number.isFinite(x));
  if (past.length < opts.minHistory)
    return {
      value: null,
      details: { insufficientHistory: past.length, minHistory: opts.minHistory },
    };
  const { median: med, spread } = robustSpread(past);
  const band = { lower: med - opts.threshold * spread, upper: med + opts.threshold * spread };
  const details = { median: med, spread, historyPoints: past.length };
  if (value === null) return { value: null, band, details: { ...details, score: null } };
  const distance = Math.abs(value - med);
  const score = spread > 0 ? distance / spread : distance === 0 ? 0 : Number.POSITIVE_INFINITY;
  return {
    value,
    band,
    breach: score > opts.threshold ? 'firing' : 'ok',
    details: { ...details, score: Number.isFinite(score) ? score : null },
  };
}
