import { BadRequestError } from '../../errors.js';
import type { SignalContext, SignalSample } from '../contract.js';
import { DEFAULT_MIN_HISTORY, HISTORY_POINTS, judgeAnomaly, SEASON_MS } from './anomaly.js';
import type { Grid } from './grid.js';
import type { Signal } from './schema.js';

/**
 * Anomaly signals: the base signal at each point and at the same time of the previous
 * days (daily: 14 of them) or weeks (weekly: 8), read as one grid of the base signal (the
 * points and their history share a step that divides both), then judged by
 * {@link judgeAnomaly}. Past points without data are skipped; fewer than `minHistory`
 * (7 days, or 4 weeks) leave the value null with `insufficientHistory`.
 */

type AnomalySignal = Extract<Signal, { kind: 'anomaly' }>;

/** Reads any signal on a grid (the evaluator's dispatcher, passed in to avoid a cycle). */
export type Read = (
  ctx: SignalContext,
  s: Signal,
  windowMs: number,
  grid: Grid,
) => Promise<SignalSample[]>;

/** Most points the combined grid may have (two weeks of minutes is 20,160). */
const MAX_HISTORY_GRID = 50_000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The anomaly signal at every point of `grid`. */
export async function anomalyPoints(
  ctx: SignalContext,
  s: AnomalySignal,
  windowMs: number,
  grid: Grid,
  read: Read,
): Promise<SignalSample[]> {
  const season = SEASON_MS[s.seasonality];
  const depth = HISTORY_POINTS[s.seasonality];
  const minHistory = s.minHistory ?? DEFAULT_MIN_HISTORY[s.seasonality];
  const step = grid.n > 1 ? gcd(Math.round(grid.stepMs), season) : season;
  const firstMs = grid.firstMs - depth * season;
  const lastMs = grid.firstMs + (grid.n - 1) * grid.stepMs;
  const n = Math.round((lastMs - firstMs) / step) + 1;
  if (n > MAX_HISTORY_GRID)
    throw new BadRequestError(
      `an anomaly preview needs a step that divides a ${s.seasonality === 'daily' ? 'day' : 'week'} into larger parts`,
      'step',
    );
  const base = await read(ctx, s.of as Signal, windowMs, { firstMs, stepMs: step, n });
  const at = (t: number) => base[Math.round((t - firstMs) / step)]?.value ?? null;
  return Array.from({ length: grid.n }, (_, k) => {
    const t = grid.firstMs + k * grid.stepMs;
    const history = Array.from({ length: depth }, (_, d) => at(t - (d + 1) * season));
    return judgeAnomaly(at(t), history, { threshold: s.threshold, minHistory });
  });
}
