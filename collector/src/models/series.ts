import type { Series, SeriesGroupBy, SeriesMetric, SeriesPoint } from '../api/types.js';
import { type Agg, EMPTY_AGG, metricValue } from './stats.js';

/**
 * Shaping of series rows into the API's lines. Pure: one line per group, one point per
 * bucket of the aligned range (buckets without inferences included, with zero counts and
 * null percentiles, so that charts show gaps as gaps), lines ordered by requests.
 */

/** One aggregated bucket of one group, as the repository returns it. */
export interface BucketRow {
  bucketMs: number;
  group: Partial<Record<SeriesGroupBy, string>>;
  agg: Agg;
}

/** Most lines a series returns (the groups with the most requests). */
export const MAX_SERIES_GROUPS = 50;

/**
 * Lines for `rows` over `[fromMs, toMs)` in buckets of `stepMs`.
 *
 * @example
 * shapeSeries(rows, { fromMs: 0, toMs: 120_000, stepMs: 60_000, metrics: ['requests'] })
 * // → [{ group: {}, points: [{ time: '1970-01-01T00:00:00.000Z', requests: 3 }, …] }]
 */
export function shapeSeries(
  rows: readonly BucketRow[],
  opts: { fromMs: number; toMs: number; stepMs: number; metrics: readonly SeriesMetric[] },
): Series[] {
  const groups = new Map<
    string,
    { group: BucketRow['group']; byBucket: Map<number, Agg>; requests: number }
  >();
  for (const row of rows) {
    const key = JSON.stringify(Object.entries(row.group).sort());
    let g = groups.get(key);
    if (!g) {
      g = { group: row.group, byBucket: new Map(), requests: 0 };
      groups.set(key, g);
    }
    g.byBucket.set(row.bucketMs, row.agg);
    g.requests += row.agg.requests;
  }
  // With no rows at all, one line of empty buckets (an ungrouped chart still has an axis).
  if (groups.size === 0) groups.set('', { group: {}, byBucket: new Map(), requests: 0 });
  const ordered = [...groups.values()]
    .sort(
      (a, b) =>
        b.requests - a.requests || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)),
    )
    .slice(0, MAX_SERIES_GROUPS);
  return ordered.map((g) => {
    const points: SeriesPoint[] = [];
    for (let t = opts.fromMs; t < opts.toMs; t += opts.stepMs) {
      const agg = g.byBucket.get(t) ?? EMPTY_AGG;
      const point: SeriesPoint = { time: new Date(t).toISOString() };
      for (const m of opts.metrics) point[m] = metricValue(m, agg, opts.stepMs);
      points.push(point);
    }
    return { group: g.group, points };
  });
}
