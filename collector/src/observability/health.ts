import type { CollectorHealth, CollectorHealthPoint } from '../api/types.js';

/** The totals each stats row carries (since the run started); rates are their differences. */
const COUNTERS = [
  'accepted_records',
  'rejected_records',
  'refused',
  'memory_refused',
  'decode_errors',
  'too_large',
  'rows_written',
  'inserts',
  'insert_failures',
  'insert_seconds',
  'evaluations',
  'evaluation_failures',
] as const;

/** The figures of a moment (the highest a bucket's rows saw). */
const GAUGES = [
  'pending_bytes',
  'max_pending_bytes',
  'rss_bytes',
  'memory_bound_bytes',
  'active_parts',
  'merges_running',
  'alert_rules',
  'evaluation_lag_p99_ms',
  'evaluation_p99_ms',
] as const;

type Counter = (typeof COUNTERS)[number];
type GaugeName = (typeof GAUGES)[number];

/**
 * One bucket of one run of a collector, as the repository reads it: each counter's total at
 * the bucket's last row (`last_ts`, Unix seconds), each gauge's highest value.
 */
export type HealthBucketRow = {
  collector: string;
  started_ms: number | string;
  /** Bucket start and the time of its last row, Unix seconds. */
  bucket: number | string;
  last_ts: number | string;
} & Record<Counter | GaugeName, number | string>;

/** The columns {@link HealthBucketRow} has, for the repository's query. */
export const HEALTH_COUNTERS: readonly string[] = COUNTERS;
export const HEALTH_GAUGES: readonly string[] = GAUGES;

type Totals = Record<Counter, number> & { t: number };

function totalsOf(r: HealthBucketRow): Totals {
  const out = { t: Number(r.last_ts) } as Totals;
  for (const k of COUNTERS) out[k] = Number(r[k]);
  return out;
}

/** Per second between two totals; null when the time did not move or a total went back. */
function rate(prev: Totals | undefined, cur: Totals, k: Counter): number | null {
  if (!prev) return null;
  const dt = cur.t - prev.t;
  const dv = cur[k] - prev[k];
  if (dt <= 0 || dv < 0) return null;
  return dv / dt;
}

function point(r: HealthBucketRow, prev: Totals | undefined, cur: Totals): CollectorHealthPoint {
  const per = (k: Counter) => rate(prev, cur, k);
  const inserts = prev
    ? cur.inserts + cur.insert_failures - (prev.inserts + prev.insert_failures)
    : 0;
  const g = (k: GaugeName) => Number(r[k]);
  return {
    time: new Date(Number(r.bucket) * 1000).toISOString(),
    rateWindowMs: prev && cur.t > prev.t ? (cur.t - prev.t) * 1000 : null,
    acceptedPerS: per('accepted_records'),
    rejectedPerS: per('rejected_records'),
    refusedPerS: per('refused'),
    memoryRefusedPerS: per('memory_refused'),
    decodeErrorsPerS: per('decode_errors'),
    tooLargePerS: per('too_large'),
    rowsWrittenPerS: per('rows_written'),
    insertsPerS: per('inserts'),
    insertFailuresPerS: per('insert_failures'),
    insertMeanMs:
      prev && inserts > 0 ? ((cur.insert_seconds - prev.insert_seconds) * 1000) / inserts : null,
    pendingBytes: g('pending_bytes'),
    maxPendingBytes: g('max_pending_bytes'),
    rssBytes: g('rss_bytes'),
    memoryBoundBytes: g('memory_bound_bytes'),
    activeParts: g('active_parts'),
    mergesRunning: g('merges_running'),
    alertRules: g('alert_rules'),
    evaluationsPerS: per('evaluations'),
    evaluationFailuresPerS: per('evaluation_failures'),
    evaluationLagP99Ms: g('evaluation_lag_p99_ms'),
    evaluationP99Ms: g('evaluation_p99_ms'),
  };
}

/**
 * Each collector run's health points from its bucket rows (pure). A run is one
 * `(collector, started_ms)`; its first bucket's rates count from zero at `started_ms` when
 * the run started at or after `lookbackFromMs` (the rows read begin there, so an earlier
 * start has totals from before them), else they are null. Buckets before `fromMs` (read
 * only as the previous totals of the first bucket in range) are left out.
 */
export function toCollectorHealth(
  rows: readonly HealthBucketRow[],
  range: { fromMs: number; lookbackFromMs: number },
): CollectorHealth[] {
  const runs = new Map<string, HealthBucketRow[]>();
  for (const r of rows) {
    const key = `${r.collector}\u0000${r.started_ms}`;
    const list = runs.get(key);
    if (list) list.push(r);
    else runs.set(key, [r]);
  }
  const out: CollectorHealth[] = [];
  for (const list of runs.values()) {
    list.sort((a, b) => Number(a.bucket) - Number(b.bucket));
    const first = list[0]!;
    const startedMs = Number(first.started_ms);
    let prev: Totals | undefined;
    if (startedMs >= range.lookbackFromMs) {
      prev = { t: startedMs / 1000 } as Totals;
      for (const k of COUNTERS) prev[k] = 0;
    }
    const points: CollectorHealthPoint[] = [];
    for (const r of list) {
      const cur = totalsOf(r);
      // Rows before the range only give the first bucket in it its previous totals.
      if (Number(r.last_ts) * 1000 >= range.fromMs) points.push(point(r, prev, cur));
      prev = cur;
    }
    if (points.length === 0) continue;
    out.push({
      collector: first.collector,
      startedAt: new Date(startedMs).toISOString(),
      lastSeen: new Date(Number(list[list.length - 1]!.last_ts) * 1000).toISOString(),
      points,
    });
  }
  return out.sort(
    (a, b) => a.collector.localeCompare(b.collector) || a.startedAt.localeCompare(b.startedAt),
  );
}
