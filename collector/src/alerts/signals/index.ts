import type { SignalContext, SignalEvaluator, SignalPoint, SignalSample } from '../contract.js';
import { evaluateMany } from './batch.js';
import { budgetPoints } from './budget.js';
import { compositePoints } from './composite.js';
import { gpuPoints } from './gpu.js';
import { type Grid, gridOf, onePoint, pointTimes } from './grid.js';
import { inferencePoints } from './inference.js';
import { metricPoints, QUEUE_DEPTH_METRIC } from './metric.js';
import { accuracyPoints, driftPoints } from './quality.js';
import type { Signal } from './schema.js';
import { anomalyPoints } from './seasonal.js';
import { sloPoints } from './slo.js';
import { topTraces } from './top-traces.js';

export { decidesOwnBreach, type Signal, signalSchema } from './schema.js';

/**
 * The signal evaluator: what a rule measures, read from the model rollups, the per-minute
 * GPU metrics, stored metrics, drift results and feedback. Every kind answers a grid of
 * points (each the end of a trailing window) with one query per grid, so an evaluation is
 * a grid of one point and the preview's series costs the same few queries.
 *
 * @example
 * const signals = createSignalEvaluator();
 * const sample = await signals.evaluate({ db, project: 'default' },
 *   signalSchema.parse({ kind: 'latency', quantile: 0.95, model: 'gpt-4o-mini' }),
 *   { fromMs: Date.now() - 300_000, toMs: Date.now() });
 */

/** Samples of a signal at every point of a grid, each over its trailing `windowMs`. */
export type PointsReader = (
  ctx: SignalContext,
  s: Signal,
  windowMs: number,
  grid: Grid,
) => Promise<SignalSample[]>;

/** A reader of one kind. */
type KindReader<K extends Signal['kind']> = (
  ctx: SignalContext,
  s: Extract<Signal, { kind: K }>,
  windowMs: number,
  grid: Grid,
) => Promise<SignalSample[]>;

/** Absence of data: breaches when nothing matched in the window. */
const absencePoints: KindReader<'absence'> = async (ctx, s, windowMs, grid) => {
  const { kind: _, metric, ...filters } = s;
  const samples =
    metric !== undefined
      ? await metricPoints(ctx, metric, filters, 'avg', windowMs, grid)
      : await inferencePoints(ctx, { kind: 'throughput', ...filters }, windowMs, grid);
  return samples.map((x) => {
    const n = Number(x.details?.points ?? x.details?.inferences ?? 0);
    return { value: n, breach: n === 0 ? 'firing' : 'ok', details: { matched: n } };
  });
};

/** The reader of each kind (a new kind is an added entry). */
const READERS: { [K in Signal['kind']]: KindReader<K> } = {
  latency: (c, s, w, g) => inferencePoints(c, s, w, g),
  ttft: (c, s, w, g) => inferencePoints(c, s, w, g),
  queueWait: (c, s, w, g) => inferencePoints(c, s, w, g),
  errorRate: (c, s, w, g) => inferencePoints(c, s, w, g),
  throughput: (c, s, w, g) => inferencePoints(c, s, w, g),
  tokens: (c, s, w, g) => inferencePoints(c, s, w, g),
  cost: (c, s, w, g) => inferencePoints(c, s, w, g),
  cacheHitRate: (c, s, w, g) => inferencePoints(c, s, w, g),
  gpuUtilization: (c, s, w, g) => gpuPoints(c, s, w, g),
  gpuTemperature: (c, s, w, g) => gpuPoints(c, s, w, g),
  gpuMemory: (c, s, w, g) => gpuPoints(c, s, w, g),
  gpuPower: (c, s, w, g) => gpuPoints(c, s, w, g),
  gpuThrottling: (c, s, w, g) => gpuPoints(c, s, w, g),
  queueDepth: (c, s, w, g) => {
    const { kind: _, aggregation, ...filters } = s;
    return metricPoints(c, QUEUE_DEPTH_METRIC, filters, aggregation, w, g);
  },
  metric: (c, s, w, g) => {
    const { kind: _, name, aggregation, ...filters } = s;
    return metricPoints(c, name, filters, aggregation, w, g);
  },
  drift: (c, s, w, g) => driftPoints(c, s, w, g),
  accuracy: (c, s, w, g) => accuracyPoints(c, s, w, g),
  budget: (c, s, w, g) => budgetPoints(c, s, w, g),
  absence: absencePoints,
  slo: (c, s, _w, g) => sloPoints(c, s, g),
  anomaly: (c, s, w, g) => anomalyPoints(c, s, w, g, readPoints),
  composite: (c, s, w, g) => compositePoints(c, s, w, g, readPoints),
};

/** Any signal at every point of a grid. */
export const readPoints: PointsReader = (ctx, s, windowMs, grid) =>
  (READERS[s.kind] as PointsReader)(ctx, s, windowMs, grid);

/** Creates the evaluator the lifecycle and the preview use. */
export function createSignalEvaluator(): SignalEvaluator<Signal> {
  const evaluate: SignalEvaluator<Signal>['evaluate'] = async (ctx, signal, window) => {
    const [sample] = await readPoints(
      ctx,
      signal,
      window.toMs - window.fromMs,
      onePoint(window.toMs),
    );
    return sample ?? { value: null };
  };
  return {
    evaluate,
    evaluateMany: (ctx, items) => evaluateMany(ctx, items, evaluate),
    async series(ctx, signal, windowMs, range): Promise<SignalPoint[]> {
      const grid = gridOf(range);
      const samples = await readPoints(ctx, signal, windowMs, grid);
      const times = pointTimes(grid);
      return samples.map((s, k) => ({ ...s, time: new Date(times[k]!).toISOString() }));
    },
    topTraces,
  };
}
