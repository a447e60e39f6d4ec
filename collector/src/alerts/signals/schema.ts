import { z } from 'zod';
import { QUANTILE_LEVELS } from '../../models/stats.js';
import { HISTORY_POINTS } from './anomaly.js';
import { type FilterKey, filterRefusal, thresholdRefusal } from './scope.js';

/**
 * What an alert rule measures: the `signal` field of a rule, validated by zod so a bad rule
 * is refused with the path of the offending field. Pure; the evaluator lives in `index.ts`.
 *
 * Every kind takes the same filters (service, model, version, variant, provider, operation,
 * host, gpu, attributes). Kinds are camelCase; units follow the API: durations in ms, rates
 * as ratios 0–1, money in USD, durations of windows as text (`"5m"`, `"30d"`).
 *
 * @example
 * signalSchema.parse({ kind: 'latency', quantile: 0.95, model: 'gpt-4o-mini' });
 */

const name = z.string().min(1).max(256);

/** A duration as rules write it: `"500ms"`, `"30s"`, `"5m"`, `"1h"`, `"7d"`. */
export const durationTextSchema = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d|w)$/, {
  message: 'must be a duration like "500ms", "30s", "5m", "1h", "7d"',
  abort: true,
});

/** Milliseconds of a duration text; NaN when it is not one. */
function msOrNaN(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text);
  if (!m) return Number.NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
    m[2] as 'ms'
  ];
  return Math.round(Number(m[1]) * unit);
}

/** Milliseconds of a duration that {@link durationTextSchema} accepted. */
export function durationMs(text: string): number {
  const ms = msOrNaN(text);
  if (Number.isNaN(ms)) throw new Error(`not a duration: ${text}`);
  return ms;
}

/** A duration between `min` and `max` ms (named in the message as written). */
function durationBetween(min: number, max: number, bounds: string) {
  // Checks run after a failed regex too (zod 4): this one must not throw on any text.
  return durationTextSchema.refine((t) => msOrNaN(t) >= min && msOrNaN(t) <= max, {
    message: `must be from ${bounds}`,
  });
}

const DAY_MS = 86_400_000;

/** The filters every kind takes; each narrows what the signal reads. */
export const filtersShape = {
  service: name.optional(),
  model: name.optional(),
  version: name.optional(),
  variant: name.optional(),
  provider: name.optional(),
  operation: name.optional(),
  /** Host name (the Kubernetes node name when the app reports one). */
  host: name.optional(),
  /** GPU id (`hw.id`, the GPU UUID). */
  gpu: name.optional(),
  /** Span (or metric data point) attributes that must all match exactly. */
  attributes: z.record(name, z.string().max(1024)).optional(),
};

/** The filters, as parsed. */
export type SignalFilters = z.infer<z.ZodObject<typeof filtersShape>>;

const quantile = z.number().min(0).max(1);

/**
 * A TTFT or queue-wait quantile: one of the levels the rollups store (their sketches are of
 * a Nullable column, which the engine merges only at the stored levels).
 */
const storedQuantile = z
  .number()
  .refine((q) => (QUANTILE_LEVELS as readonly number[]).includes(q), {
    message: `must be one of the stored levels ${QUANTILE_LEVELS.join(', ')}`,
  });

/** The comparison of a composite side (the same shape as a rule's `condition`). */
export const conditionSchema = z.strictObject({
  op: z.enum(['>', '>=', '<', '<=', '==', '!=']),
  threshold: z.number().finite(),
  warning: z.number().finite().optional(),
});

function kind<K extends string, S extends z.ZodRawShape>(k: K, shape: S) {
  return z.strictObject({ kind: z.literal(k), ...filtersShape, ...shape });
}

/** How a GPU kind folds minutes per GPU (`aggregation`), then GPUs (`across`). */
const gpuShape = {
  aggregation: z.enum(['avg', 'max', 'min']).default('avg'),
  across: z.enum(['max', 'min', 'avg']).default('max'),
};

/** Kinds whose value a rule's `condition` compares with a threshold. */
const thresholdKinds = [
  /** Latency percentile of the inferences, ms. */
  kind('latency', { quantile }),
  /** Time to first chunk percentile of streamed inferences, ms (a stored level). */
  kind('ttft', { quantile: storedQuantile }),
  /** Share of inferences that failed, 0–1. */
  kind('errorRate', {}),
  /** Inferences per second. */
  kind('throughput', {}),
  /** Tokens per second (`per: "s"`) or in the window (`per: "window"`). */
  kind('tokens', {
    tokenType: z.enum(['input', 'output', 'total']).default('total'),
    per: z.enum(['s', 'window']).default('window'),
  }),
  /** USD spent in the window (stored cost, else tokens at the price list). */
  kind('cost', {}),
  /** Share of inferences served from a cache, 0–1. */
  kind('cacheHitRate', {}),
  /**
   * The `aiobs.inference.queue.depth` gauge (requests waiting, reported by the app or an
   * inference server), folded over the window by `aggregation`.
   */
  kind('queueDepth', { aggregation: z.enum(['avg', 'max', 'min', 'last']).default('max') }),
  /** Queue wait percentile of the inferences (`aiobs.queue.wait`), ms (a stored level). */
  kind('queueWait', { quantile: storedQuantile }),
  /**
   * The latest stored drift score in the window (aiobs_drift_results, the drift job's rows)
   * for `feature` (`""` is the multivariate row; `prediction.value|label|score` the
   * prediction; absent: the worst feature) and `measure` as stored.
   */
  kind('drift', {
    feature: z.string().max(256).optional(),
    measure: z
      .enum(['psi', 'ks', 'wasserstein', 'js', 'chi2', 'auto', 'multivariate'])
      .default('psi'),
  }),
  /**
   * Share of the feedback received in the window (`aiobs.feedback.correct`) that says the
   * prediction was correct, 0–1; model filters match the predictions' inferences.
   */
  kind('accuracy', {}),
  /** `hw.gpu.utilization`, 0–1. */
  kind('gpuUtilization', gpuShape),
  /** `hw.temperature` of the GPUs, °C. */
  kind('gpuTemperature', gpuShape),
  /** GPU memory used: a ratio of the limit (default) or bytes. */
  kind('gpuMemory', { ...gpuShape, unit: z.enum(['ratio', 'bytes']).default('ratio') }),
  /** `hw.power`, W. */
  kind('gpuPower', gpuShape),
  /** Share of the time the GPU was throttled (`aiobs.gpu.throttle.active`), 0–1. */
  kind('gpuThrottling', gpuShape),
  /** Any stored metric by name (gauge or sum points), folded by `aggregation`. */
  kind('metric', {
    name,
    aggregation: z
      .string()
      .regex(/^(avg|max|min|sum|last|p\d{1,2}(\.\d+)?)$/, 'must be avg, max, min, sum, last or pNN')
      .default('avg'),
  }),
  /**
   * Spend over a rolling `window` (default: the rule's window) as a share of `limitUsd`
   * (1 = the budget is spent), for the project, the worst model, or the worst value of a
   * span attribute (`by: {attribute: "user.id"}`).
   */
  kind('budget', {
    limitUsd: z.number().positive().finite(),
    by: z
      .union([z.enum(['project', 'model']), z.strictObject({ attribute: name })])
      .default('project'),
    window: durationBetween(1000, 400 * DAY_MS, '1s to 400d').optional(),
  }),
] as const;

/** A kind whose value is compared with a threshold (the parts of anomaly and composite rules). */
export const baseSignalSchema = z.discriminatedUnion('kind', [...thresholdKinds]);

/** A base signal, as parsed. */
export type BaseSignal = z.infer<typeof baseSignalSchema>;

/** Absence of data: fires when nothing matched the filters (inferences, or `metric` points). */
const absence = kind('absence', { metric: name.optional() });

/** SLO burn rate, Google SRE workbook multiwindow multi-burn-rate. */
const slo = kind('slo', {
  objective: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('latency'), thresholdMs: z.number().positive() }),
    z.strictObject({ kind: z.literal('ttft'), thresholdMs: z.number().positive() }),
    z.strictObject({ kind: z.literal('errors') }),
  ]),
  target: z.number().gt(0).lt(1),
  /** At least the longest burn window (6 h); at most what the hourly rollups keep. */
  period: durationBetween(6 * 3_600_000, 400 * DAY_MS, '6h to 400d').default('30d'),
});

/** A base signal leaving its seasonal band (median ± threshold · 1.4826 · MAD). */
const anomaly = kind('anomaly', {
  of: baseSignalSchema,
  seasonality: z.enum(['daily', 'weekly']).default('daily'),
  /** Fewest past points (same hour of previous days or weeks) before a band is drawn. */
  minHistory: z.int().min(3).optional(),
  /** Distance from the median, in robust spreads, that counts as an anomaly. */
  threshold: z.number().positive().default(3),
}).superRefine((a, ctx) => {
  const depth = HISTORY_POINTS[a.seasonality];
  if (a.minHistory !== undefined && a.minHistory > depth)
    ctx.addIssue({
      code: 'custom',
      path: ['minHistory'],
      message: `a ${a.seasonality} band looks back ${depth} points at most`,
    });
});

/** A side of a composite: a signal with its own condition (anomaly sides decide themselves). */
const compositeSide = z.strictObject({
  signal: z.discriminatedUnion('kind', [...thresholdKinds, anomaly]),
  condition: conditionSchema.optional(),
});

/** Every side must hold (A AND B). */
const composite = kind('composite', {
  op: z.literal('and').default('and'),
  signals: z.array(compositeSide).min(2).max(4),
}).superRefine((c, ctx) => {
  c.signals.forEach((s, i) => {
    if (s.signal.kind !== 'anomaly' && s.condition === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['signals', i, 'condition'],
        message: `a ${s.signal.kind} side needs a condition`,
      });
  });
});

const FILTER_KEYS = Object.keys(filtersShape) as FilterKey[];

/** Refuses filters a kind cannot honour and SLO thresholds off the bucket boundaries. */
function checkScope(s: Record<string, unknown>, ctx: z.RefinementCtx, path: PropertyKey[]): void {
  const kind = String(s.kind);
  for (const key of FILTER_KEYS) {
    if (s[key] === undefined) continue;
    const message = filterRefusal(kind, key);
    if (message) ctx.addIssue({ code: 'custom', path: [...path, key], message });
  }
  if (kind === 'absence' && s.metric === undefined && s.gpu !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'gpu'],
      message: 'an absence of inferences cannot be filtered by gpu (an absence of a metric can)',
    });
  const objective = s.objective as { thresholdMs?: number } | undefined;
  if (kind === 'slo' && objective?.thresholdMs !== undefined) {
    const message = thresholdRefusal(objective.thresholdMs);
    if (message)
      ctx.addIssue({ code: 'custom', path: [...path, 'objective', 'thresholdMs'], message });
  }
  if (kind === 'anomaly') checkScope(s.of as Record<string, unknown>, ctx, [...path, 'of']);
  if (kind === 'composite')
    (s.signals as { signal: Record<string, unknown> }[]).forEach((side, i) => {
      checkScope(side.signal, ctx, [...path, 'signals', i, 'signal']);
    });
}

/** The `signal` field of an alert rule. */
export const signalSchema = z
  .discriminatedUnion('kind', [...thresholdKinds, absence, slo, anomaly, composite])
  .superRefine((s, ctx) => checkScope(s as Record<string, unknown>, ctx, []));

/** A rule's signal, as parsed (defaults filled in). */
export type Signal = z.infer<typeof signalSchema>;

/** A signal's kind. */
export type SignalKind = Signal['kind'];

/** Every kind, for error messages and the API's documentation. */
export const SIGNAL_KINDS: readonly SignalKind[] = signalSchema.options.map(
  (o) => o.shape.kind.value,
);

const SELF_DECIDING: ReadonlySet<string> = new Set(['slo', 'anomaly', 'composite', 'absence']);

/**
 * True for kinds that set `breach` themselves (SLO burn rate, anomaly band, composite,
 * absence), so a rule of that kind needs no `condition`.
 */
export function decidesOwnBreach(kind: SignalKind | string): boolean {
  return SELF_DECIDING.has(kind);
}
