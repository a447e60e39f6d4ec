import type { InferenceStats, ModelCompareResponse, ModelSeriesResponse } from '@aiobs/api-types';

/** A model's values of `metric` from a series grouped by model (empty when it has none). */
export function sparklineOf(
  res: ModelSeriesResponse | undefined,
  model: string,
  metric: 'requests' | 'latencyP95' = 'requests',
): Array<number | null> {
  const s = res?.series.find((x) => x.group.model === model);
  return s ? s.points.map((p) => p[metric] ?? null) : [];
}

/** The figures the compare view shows, in order. */
export const COMPARE_FIGURES: ReadonlyArray<{
  key: keyof InferenceStats;
  label: string;
  kind: 'ms' | 'ratio' | 'count' | 'usd';
}> = [
  { key: 'requests', label: 'Requests', kind: 'count' },
  { key: 'errorRate', label: 'Error rate', kind: 'ratio' },
  { key: 'latencyP50Ms', label: 'Latency p50', kind: 'ms' },
  { key: 'latencyP95Ms', label: 'Latency p95', kind: 'ms' },
  { key: 'latencyP99Ms', label: 'Latency p99', kind: 'ms' },
  { key: 'ttftP95Ms', label: 'TTFT p95', kind: 'ms' },
  { key: 'queueWaitP95Ms', label: 'Queue wait p95', kind: 'ms' },
  { key: 'cacheHitRate', label: 'Cache hit rate', kind: 'ratio' },
  { key: 'outputTokens', label: 'Output tokens', kind: 'count' },
  { key: 'costUsd', label: 'Cost', kind: 'usd' },
];

/** One row of the compare view's figures table. */
export interface CompareRow {
  key: keyof InferenceStats;
  label: string;
  kind: 'ms' | 'ratio' | 'count' | 'usd';
  a: number | null;
  b: number | null;
  delta: number | null;
  /** Relative change b/a − 1, or null. */
  change: number | null;
}

/**
 * The figures table's rows: each arm's observed figure and the difference. They describe;
 * whether a difference is more than chance is the significance table's part
 * (significance.ts).
 */
export function compareRows(res: ModelCompareResponse): CompareRow[] {
  return COMPARE_FIGURES.map((f) => {
    const ratio = res.ratio[f.key];
    return {
      key: f.key,
      label: f.label,
      kind: f.kind,
      a: res.a[f.key] as number | null,
      b: res.b[f.key] as number | null,
      delta: res.delta[f.key],
      change: ratio === null ? null : ratio - 1,
    };
  });
}
