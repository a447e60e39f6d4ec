import type { InferenceStats, SeriesMetric, StatsDelta } from '../api/types.js';

/**
 * Turning aggregated inference figures into the API's numbers. Pure: the repository
 * produces {@link Agg} values (from raw rows or rollups alike) and everything derived from
 * them (rates, per-second throughput, deltas) is computed here.
 */

/** Quantile levels every quantile state is read at (index into {@link Agg.latency} etc.). */
export const QUANTILE_LEVELS = [0.5, 0.9, 0.95, 0.99] as const;
const P50 = 0;
const P90 = 1;
const P95 = 2;
const P99 = 3;

/** Aggregated figures of a set of inferences. Quantile arrays follow {@link QUANTILE_LEVELS}. */
export interface Agg {
  requests: number;
  errors: number;
  cacheHits: number;
  /** Inferences with a time to first token. */
  streams: number;
  /** Inferences with a queue wait. */
  queued: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  durationMsSum: number;
  latency: (number | null)[];
  ttft: (number | null)[];
  queueWait: (number | null)[];
}

/** An {@link Agg} of no inferences. */
export const EMPTY_AGG: Agg = Object.freeze({
  requests: 0,
  errors: 0,
  cacheHits: 0,
  streams: 0,
  queued: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  costUsd: 0,
  durationMsSum: 0,
  latency: [],
  ttft: [],
  queueWait: [],
}) as Agg;

function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

/** A quantile of a sketch, or null when the sketch saw no values. */
function q(values: (number | null)[], i: number, count: number): number | null {
  const v = values[i];
  return count > 0 && typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The API's figures for one aggregate. */
export function toStats(a: Agg): InferenceStats {
  return {
    requests: a.requests,
    errors: a.errors,
    errorRate: ratio(a.errors, a.requests),
    latencyP50Ms: q(a.latency, P50, a.requests),
    latencyP90Ms: q(a.latency, P90, a.requests),
    latencyP95Ms: q(a.latency, P95, a.requests),
    latencyP99Ms: q(a.latency, P99, a.requests),
    latencyMeanMs: ratio(a.durationMsSum, a.requests),
    streams: a.streams,
    ttftP50Ms: q(a.ttft, P50, a.streams),
    ttftP95Ms: q(a.ttft, P95, a.streams),
    queueWaitP95Ms: q(a.queueWait, P95, a.queued),
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    cacheReadTokens: a.cacheReadTokens,
    cacheHits: a.cacheHits,
    cacheHitRate: ratio(a.cacheHits, a.requests),
    costUsd: a.costUsd,
  };
}

/** Every metric a series may ask for, in documentation order. */
export const SERIES_METRICS: readonly SeriesMetric[] = [
  'requests',
  'errors',
  'errorRate',
  'latencyP50',
  'latencyP90',
  'latencyP95',
  'latencyP99',
  'ttftP50',
  'ttftP95',
  'tokensPerS',
  'outputTokensPerS',
  'cacheHitRate',
  'queueWaitP95',
  'cost',
];

/**
 * One metric of one bucket. Throughput (`tokensPerS`, `outputTokensPerS`) is tokens of the
 * bucket divided by the bucket's length, i.e. the rate the model served at, not the speed
 * of a single generation.
 */
export function metricValue(metric: SeriesMetric, a: Agg, stepMs: number): number | null {
  switch (metric) {
    case 'requests':
      return a.requests;
    case 'errors':
      return a.errors;
    case 'errorRate':
      return ratio(a.errors, a.requests);
    case 'latencyP50':
      return q(a.latency, P50, a.requests);
    case 'latencyP90':
      return q(a.latency, P90, a.requests);
    case 'latencyP95':
      return q(a.latency, P95, a.requests);
    case 'latencyP99':
      return q(a.latency, P99, a.requests);
    case 'ttftP50':
      return q(a.ttft, P50, a.streams);
    case 'ttftP95':
      return q(a.ttft, P95, a.streams);
    case 'tokensPerS':
      return (a.inputTokens + a.outputTokens) / (stepMs / 1000);
    case 'outputTokensPerS':
      return a.outputTokens / (stepMs / 1000);
    case 'cacheHitRate':
      return ratio(a.cacheHits, a.requests);
    case 'queueWaitP95':
      return q(a.queueWait, P95, a.queued);
    case 'cost':
      return a.costUsd;
  }
}

/** The {@link Agg} figures {@link metricValue} reads for each metric. */
const FIGURES_OF: Readonly<Record<SeriesMetric, readonly (keyof Agg)[]>> = {
  requests: ['requests'],
  errors: ['errors'],
  errorRate: ['errors', 'requests'],
  latencyP50: ['latency', 'requests'],
  latencyP90: ['latency', 'requests'],
  latencyP95: ['latency', 'requests'],
  latencyP99: ['latency', 'requests'],
  ttftP50: ['ttft', 'streams'],
  ttftP95: ['ttft', 'streams'],
  tokensPerS: ['inputTokens', 'outputTokens'],
  outputTokensPerS: ['outputTokens'],
  cacheHitRate: ['cacheHits', 'requests'],
  queueWaitP95: ['queueWait', 'queued'],
  cost: ['costUsd'],
};

/**
 * The figures a series of `metrics` needs, so that its read computes only those (a
 * percentile sketch merged per row is the costly part of a rollup read).
 *
 * @example
 * figuresFor(['requests', 'latencyP95'])  // → Set { 'requests', 'latency' }
 */
export function figuresFor(metrics: readonly SeriesMetric[]): Set<keyof Agg> {
  return new Set(metrics.flatMap((m) => FIGURES_OF[m]));
}

/** `b − a` (or `b / a` with `op: 'ratio'`) for every figure; null where either is null. */
export function diffStats(a: InferenceStats, b: InferenceStats, op: 'delta' | 'ratio'): StatsDelta {
  const out = {} as StatsDelta;
  for (const key of Object.keys(a) as (keyof InferenceStats)[]) {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) out[key] = null;
    else if (op === 'delta') out[key] = y - x;
    else out[key] = x === 0 ? null : y / x;
  }
  return out;
}
