import type { AlertFilterKey } from '../../api/types.js';

/**
 * Which filters each signal kind can honour, and the bucket boundaries an SLO threshold
 * must sit on. Pure: the schema refuses a rule that asks for more, with the field named,
 * rather than the evaluator silently ignoring a filter.
 */

/** A filter a signal may carry (the API's type). */
export type FilterKey = AlertFilterKey;

const DIMS: readonly FilterKey[] = [
  'service',
  'model',
  'version',
  'variant',
  'provider',
  'operation',
];

/**
 * Inference kinds read the model rollups (which have the six dimensions); `host` and
 * `attributes` switch them to the raw inference rows of the window (bounded by it).
 */
const INFERENCE: readonly FilterKey[] = [...DIMS, 'host', 'attributes'];

/**
 * GPU kinds read the per-minute host metrics; `model`/`service` pick the hosts that served
 * them (the model-analytics GPU join, aiobs_model_hosts_1h).
 */
const GPU: readonly FilterKey[] = ['host', 'gpu', 'model', 'service'];

/** Metric kinds match data point attributes (the dimensions by their OTel attribute keys). */
const METRIC: readonly FilterKey[] = [...DIMS, 'host', 'gpu', 'attributes'];

/** The filters each kind honours; kinds absent here take none of their own. */
export const KIND_FILTERS: Readonly<Record<string, readonly FilterKey[]>> = {
  latency: INFERENCE,
  ttft: INFERENCE,
  errorRate: INFERENCE,
  throughput: INFERENCE,
  tokens: INFERENCE,
  cost: INFERENCE,
  cacheHitRate: INFERENCE,
  queueWait: INFERENCE,
  budget: INFERENCE,
  absence: METRIC,
  // An SLO covers its whole period (30 days): rollups only, no raw rows.
  slo: DIMS,
  queueDepth: METRIC,
  metric: METRIC,
  drift: ['model', 'version', 'variant'],
  accuracy: DIMS,
  gpuUtilization: GPU,
  gpuTemperature: GPU,
  gpuMemory: GPU,
  gpuPower: GPU,
  gpuThrottling: GPU,
  anomaly: [],
  composite: [],
};

/** Why a filter is refused on a kind, for the field error. */
export function filterRefusal(kind: string, key: FilterKey): string | undefined {
  const allowed = KIND_FILTERS[kind] ?? [];
  if (allowed.includes(key)) return undefined;
  if (allowed.length === 0)
    return `a ${kind} signal takes no filters of its own: put them on its inner signal`;
  return `a ${kind} signal cannot be filtered by ${key} (it can by ${allowed.join(', ')})`;
}

/**
 * Upper bounds (ms) of the rollups' fixed latency and TTFT buckets (the GenAI duration
 * boundaries), as in migration 0011's `*_le` columns.
 */
export const LE_BOUNDS_MS: readonly number[] = [
  10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920,
];

/**
 * Why an SLO latency threshold cannot be counted from the rollups, naming the nearest
 * boundaries; undefined when it is a boundary.
 */
export function thresholdRefusal(thresholdMs: number): string | undefined {
  if (LE_BOUNDS_MS.includes(thresholdMs)) return undefined;
  const below = [...LE_BOUNDS_MS].reverse().find((b) => b < thresholdMs);
  const above = LE_BOUNDS_MS.find((b) => b > thresholdMs);
  const near = [below, above].filter((b) => b !== undefined).join(' or ');
  return `thresholdMs must be a bucket boundary of the rollups (good requests are counted per bucket): nearest are ${near} ms`;
}
