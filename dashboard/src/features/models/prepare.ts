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

/** Which way is better for a figure of a comparison. */
type Better = 'lower' | 'higher' | 'neither';

/** The figures the compare view shows, in order, with which way is better. */
export const COMPARE_FIGURES: ReadonlyArray<{
  key: keyof InferenceStats;
  label: string;
  kind: 'ms' | 'ratio' | 'count' | 'usd';
  better: Better;
}> = [
  { key: 'requests', label: 'Requests', kind: 'count', better: 'neither' },
  { key: 'errorRate', label: 'Error rate', kind: 'ratio', better: 'lower' },
  { key: 'latencyP50Ms', label: 'Latency p50', kind: 'ms', better: 'lower' },
  { key: 'latencyP95Ms', label: 'Latency p95', kind: 'ms', better: 'lower' },
  { key: 'latencyP99Ms', label: 'Latency p99', kind: 'ms', better: 'lower' },
  { key: 'ttftP95Ms', label: 'TTFT p95', kind: 'ms', better: 'lower' },
  { key: 'queueWaitP95Ms', label: 'Queue wait p95', kind: 'ms', better: 'lower' },
  { key: 'cacheHitRate', label: 'Cache hit rate', kind: 'ratio', better: 'higher' },
  { key: 'outputTokens', label: 'Output tokens', kind: 'count', better: 'neither' },
  { key: 'costUsd', label: 'Cost', kind: 'usd', better: 'lower' },
];

/** One row of the compare table. */
export interface CompareRow {
  key: keyof InferenceStats;
  label: string;
  kind: 'ms' | 'ratio' | 'count' | 'usd';
  a: number | null;
  b: number | null;
  delta: number | null;
  /** Relative change b/a − 1, or null. */
  change: number | null;
  /** Whether B is better, worse or the same (within `tolerance`) on this figure. */
  outcome: 'better' | 'worse' | 'same' | 'n/a';
}

/**
 * The compare table's rows. A change within `tolerance` (relative) counts as the same:
 * these are observed differences, not significance tests (those come with the drift work).
 */
export function compareRows(res: ModelCompareResponse, tolerance = 0.05): CompareRow[] {
  return COMPARE_FIGURES.map((f) => {
    const a = res.a[f.key] as number | null;
    const b = res.b[f.key] as number | null;
    const delta = res.delta[f.key];
    const ratio = res.ratio[f.key];
    const change = ratio === null ? null : ratio - 1;
    let outcome: CompareRow['outcome'] = 'n/a';
    if (f.better !== 'neither' && a !== null && b !== null) {
      const rel = a === 0 ? (b === 0 ? 0 : Math.sign(b)) : (b - a) / Math.abs(a);
      if (Math.abs(rel) <= tolerance) outcome = 'same';
      else outcome = rel < 0 === (f.better === 'lower') ? 'better' : 'worse';
    }
    return { key: f.key, label: f.label, kind: f.kind, a, b, delta, change, outcome };
  });
}

/** The headline of a comparison: what the observed differences suggest doing with B. */
export function compareVerdict(rows: CompareRow[]): {
  verdict: 'promote' | 'roll back' | 'hold';
  reason: string;
} {
  const worse = rows.filter((r) => r.outcome === 'worse');
  const better = rows.filter((r) => r.outcome === 'better');
  const critical = worse.filter((r) => r.key === 'errorRate' || r.key === 'latencyP95Ms');
  if (critical.length > 0)
    return {
      verdict: 'roll back',
      reason: `B is worse on ${critical.map((r) => r.label.toLowerCase()).join(' and ')}`,
    };
  if (worse.length === 0 && better.length > 0)
    return {
      verdict: 'promote',
      reason: `B is better on ${better.map((r) => r.label.toLowerCase()).join(', ')} and worse on nothing`,
    };
  if (worse.length === 0) return { verdict: 'hold', reason: 'no difference beyond 5%' };
  return {
    verdict: 'hold',
    reason: `B is worse on ${worse.map((r) => r.label.toLowerCase()).join(', ')}`,
  };
}
