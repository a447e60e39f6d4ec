import type { MetricSeriesResponse } from '@aiobs/api-types';
import type { ChartRow } from '../../components/charts/time-series-chart.js';

/** The gauge the SDK's `recordQueueDepth` and inference servers report, per model. */
export const QUEUE_DEPTH_METRIC = 'aiobs.inference.queue.depth';

/** The series' group keys: one line per service, its replicas added up. */
export const QUEUE_DEPTH_GROUP_BY = ['service.name', 'resource.service.instance.id'] as const;

/**
 * Requests waiting per bucket, one line per service: each replica's deepest queue in the
 * bucket (the series are read with `agg=max` per service and instance), added up over the
 * service's replicas, since a queue per replica waits in parallel. A bucket where no replica
 * of a service reported is null (a gap), not 0.
 */
export function queueDepthRows(res: MetricSeriesResponse): { rows: ChartRow[]; lines: string[] } {
  const byService = new Map<string, Map<number, number>>();
  for (const s of res.series) {
    const service = s.group['service.name'] || 'unknown service';
    let buckets = byService.get(service);
    if (!buckets) {
      buckets = new Map();
      byService.set(service, buckets);
    }
    for (const p of s.points) {
      if (p.value === null || !Number.isFinite(p.value)) continue;
      const t = Date.parse(p.time);
      buckets.set(t, (buckets.get(t) ?? 0) + p.value);
    }
  }
  const lines = [...byService.keys()].sort();
  const times = new Set<number>();
  for (const buckets of byService.values()) for (const t of buckets.keys()) times.add(t);
  const rows = [...times]
    .sort((a, b) => a - b)
    .map((t) => {
      const row = { t } as ChartRow;
      for (const line of lines) row[line] = byService.get(line)!.get(t) ?? null;
      return row;
    });
  return { rows, lines };
}
