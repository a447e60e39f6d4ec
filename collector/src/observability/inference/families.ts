import type { HistogramPoint, Labels, MetricFamily, ScalarPoint } from './exposition.js';

/**
 * The inference metrics as metric families, pure: rollup totals and GPU readings in,
 * families out (exposition.ts writes them). Names follow the Prometheus conventions (base
 * units: seconds, ratios 0-1; `_total` on counters), prefixed `aiobs_`.
 */

/**
 * Upper bounds (ms) of the rollups' `latency_le`/`ttft_le` counts: the GenAI duration
 * buckets of migration 0011, which must stay in step with it.
 */
export const ROLLUP_BUCKETS_MS = [
  10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920,
] as const;

/** The dimensions of a rollup row, which every inference series is labelled with. */
export interface InferenceKey {
  service: string;
  model: string;
  version: string;
  variant: string;
  provider: string;
  operation: string;
}

/** Totals of one rollup key since the counters' start. */
export interface InferenceTotals extends InferenceKey {
  requests: number;
  errors: number;
  streams: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  durationMsSum: number;
  /** Cumulative counts at {@link ROLLUP_BUCKETS_MS}: requests with a duration <= each. */
  latencyLe: readonly number[];
  /** Cumulative counts at {@link ROLLUP_BUCKETS_MS}: streams with a TTFT <= each. */
  ttftLe: readonly number[];
}

/** The latest minute's utilization of one GPU (per `hw.gpu.task`). */
export interface GpuUtilization {
  host: string;
  gpu: string;
  gpuName: string;
  task: string;
  /** Ratio 0-1: the minute's mean. */
  value: number;
}

/** What the families need besides the rows. */
export interface FamilyContext {
  project: string;
  /** Unix seconds the counters started at (OpenMetrics `_created`). */
  createdSec: number;
}

function keyLabels(project: string, r: InferenceKey): Labels {
  return {
    project,
    service: r.service,
    model: r.model,
    version: r.version,
    variant: r.variant,
    provider: r.provider,
    operation: r.operation,
  };
}

/**
 * Cumulative buckets in seconds from the rollup's counts in ms. A missing or short array
 * (no rows merged) reads as zeros; a count is never above `count`, so the buckets stay
 * monotone up to +Inf even if the source were inconsistent.
 */
export function secondsBuckets(le: readonly number[], count: number): [number, number][] {
  let prev = 0;
  return ROLLUP_BUCKETS_MS.map((ms, i) => {
    const n = Math.min(count, Math.max(prev, Number(le[i] ?? 0)));
    prev = n;
    return [ms / 1000, n];
  });
}

/**
 * Every inference family, in a fixed order: requests, errors, latency and TTFT histograms,
 * tokens by type, cost, GPU utilization.
 */
export function inferenceFamilies(
  totals: readonly InferenceTotals[],
  gpus: readonly GpuUtilization[],
  ctx: FamilyContext,
): MetricFamily[] {
  const created = ctx.createdSec;
  const counter = (pick: (r: InferenceTotals) => number): ScalarPoint[] =>
    totals.map((r) => ({ labels: keyLabels(ctx.project, r), value: pick(r), created }));
  const latency: HistogramPoint[] = totals.map((r) => ({
    labels: keyLabels(ctx.project, r),
    buckets: secondsBuckets(r.latencyLe, r.requests),
    count: r.requests,
    sum: r.durationMsSum / 1000,
    created,
  }));
  // The rollups keep no TTFT sum (only its sketch and buckets): _sum is left out, which both
  // formats allow; histogram_quantile() needs the buckets only.
  const ttft: HistogramPoint[] = totals
    .filter((r) => r.streams > 0)
    .map((r) => ({
      labels: keyLabels(ctx.project, r),
      buckets: secondsBuckets(r.ttftLe, r.streams),
      count: r.streams,
      created,
    }));
  const tokens: ScalarPoint[] = totals.flatMap((r) => [
    { labels: { ...keyLabels(ctx.project, r), type: 'input' }, value: r.inputTokens, created },
    { labels: { ...keyLabels(ctx.project, r), type: 'output' }, value: r.outputTokens, created },
  ]);
  return [
    {
      type: 'counter',
      name: 'aiobs_inference_requests',
      help: 'Inference calls (spans with gen_ai.operation.name) since 00:00 UTC today, by start time',
      points: counter((r) => r.requests),
    },
    {
      type: 'counter',
      name: 'aiobs_inference_errors',
      help: 'Failed inference calls (status Error or error.type set) since 00:00 UTC today',
      points: counter((r) => r.errors),
    },
    {
      type: 'histogram',
      name: 'aiobs_inference_duration_seconds',
      help: 'Inference call duration since 00:00 UTC today (GenAI operation duration buckets)',
      unit: 'seconds',
      points: latency,
    },
    {
      type: 'histogram',
      name: 'aiobs_inference_time_to_first_chunk_seconds',
      help: 'Time to the first streamed chunk of streaming calls since 00:00 UTC today (no _sum: the rollups keep none)',
      unit: 'seconds',
      points: ttft,
    },
    {
      type: 'counter',
      name: 'aiobs_inference_tokens',
      help: 'Tokens by type (input includes cache reads, as gen_ai.usage.input_tokens does) since 00:00 UTC today',
      points: tokens,
    },
    {
      type: 'counter',
      name: 'aiobs_inference_cost_usd',
      help: 'Token cost in USD at the price list in force at each hour, since 00:00 UTC today',
      points: counter((r) => r.costUsd),
    },
    {
      type: 'gauge',
      name: 'aiobs_gpu_utilization_ratio',
      help: 'GPU utilization (hw.gpu.utilization, 0-1): the mean of the latest minute reported within 5 minutes',
      points: gpus.map((g) => ({
        labels: {
          project: ctx.project,
          host: g.host,
          gpu: g.gpu,
          gpu_name: g.gpuName,
          task: g.task,
        },
        value: g.value,
      })),
    },
  ];
}
