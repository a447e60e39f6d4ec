import type {
  CollectorHealth,
  CollectorHealthPoint,
  CollectorHealthResponse,
} from '@aiobs/api-types';
import type { ChartRow } from '../../components/charts/time-series-chart.js';

/** A figure of a health point that can be charted (every field but its time). */
export type HealthFigure = Exclude<keyof CollectorHealthPoint, 'time'>;

/** A second line per run drawn beside a figure: its limit (`memoryBoundBytes` beside RSS). */
export interface HealthBound {
  figure: HealthFigure;
  /** Appended to the run's label to name the line: `host:41 memory bound`. */
  suffix: string;
}

/** A UTC time as the tables write it: `2026-12-04 05:59:41`. */
export function utcTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

/**
 * Each run's line name, in the answer's order: its `collector` (`host:pid`), or, when the
 * same collector string appears with several start times (a pid reused after a restart), the
 * string with its start time: `host:41 (started 2026-12-04 04:12:09)`.
 */
export function runLabels(collectors: CollectorHealth[]): string[] {
  const runs = new Map<string, number>();
  for (const c of collectors) runs.set(c.collector, (runs.get(c.collector) ?? 0) + 1);
  return collectors.map((c) =>
    (runs.get(c.collector) ?? 0) > 1
      ? `${c.collector} (started ${utcTime(c.startedAt)})`
      : c.collector,
  );
}

/**
 * Chart rows of one figure, a line per collector run (named by {@link runLabels}), values
 * passed through `scale`; with `bound`, a second line per run of its limit, left out for runs
 * that have none (0 throughout: no `--max-rss-bytes`) and null where it is 0. A null rate (the
 * first bucket of a run that started before the range) stays null, and a bucket a run has no
 * row for (it was down) is a null too, so each line shows its gaps instead of joining across.
 *
 * @example
 * const { rows, lines } = healthLines(res, 'rssBytes', { figure: 'memoryBoundBytes', suffix: 'memory bound' });
 */
export function healthLines(
  res: CollectorHealthResponse,
  figure: HealthFigure,
  bound?: HealthBound,
  scale: (v: number) => number = (v) => v,
): { rows: ChartRow[]; lines: string[] } {
  const labels = runLabels(res.collectors);
  const lines: string[] = [];
  const byTime = new Map<number, ChartRow>();
  const set = (t: number, key: string, v: number | null) => {
    const row = byTime.get(t) ?? ({ t } as ChartRow);
    row[key] = v === null ? null : scale(v);
    byTime.set(t, row);
  };
  const draw = (
    points: CollectorHealthPoint[],
    key: string,
    value: (p: CollectorHealthPoint) => number | null,
  ) => {
    let prev: number | undefined;
    for (const p of points) {
      const t = Date.parse(p.time);
      // A missing bucket: break the line just after the last one.
      if (prev !== undefined && t - prev > res.stepMs) set(prev + res.stepMs, key, null);
      set(t, key, value(p));
      prev = t;
    }
  };
  res.collectors.forEach((c, i) => {
    const label = labels[i]!;
    const points = [...c.points].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    lines.push(label);
    draw(points, label, (p) => p[figure]);
    if (bound && points.some((p) => (p[bound.figure] ?? 0) > 0)) {
      const key = `${label} ${bound.suffix}`;
      lines.push(key);
      draw(points, key, (p) => {
        const v = p[bound.figure];
        return v === null || v <= 0 ? null : v;
      });
    }
  });
  return { rows: [...byTime.values()].sort((a, b) => a.t - b.t), lines };
}

/** One collector run's row of the summary table: its latest figures in the range. */
export interface CollectorSummary {
  /** Its line name on the charts (see {@link runLabels}). */
  label: string;
  collector: string;
  startedAt: string;
  lastSeen: string;
  /** The latest known rates (the latest non-null one of each), per second. */
  acceptedPerS: number | null;
  refusedPerS: number | null;
  evaluationsPerS: number | null;
  /** The latest bucket's figures; null without a point. */
  rssBytes: number | null;
  /** Null: no memory bound (`--max-rss-bytes` unset). */
  memoryBoundBytes: number | null;
  activeParts: number | null;
  evaluationLagP99Ms: number | null;
}

/**
 * The summary table: a row per collector run, in the answer's order, with its latest rates
 * (the latest bucket that has one) and the latest bucket's RSS, memory bound, active parts
 * and evaluation lag p99.
 */
export function collectorSummaries(res: CollectorHealthResponse): CollectorSummary[] {
  const labels = runLabels(res.collectors);
  return res.collectors.map((c, i) => {
    const points = [...c.points].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    const last = points.at(-1);
    const latest = (k: 'acceptedPerS' | 'refusedPerS' | 'evaluationsPerS') => {
      for (let j = points.length - 1; j >= 0; j--) {
        const v = points[j]![k];
        if (v !== null) return v;
      }
      return null;
    };
    return {
      label: labels[i]!,
      collector: c.collector,
      startedAt: c.startedAt,
      lastSeen: c.lastSeen,
      acceptedPerS: latest('acceptedPerS'),
      refusedPerS: latest('refusedPerS'),
      evaluationsPerS: latest('evaluationsPerS'),
      rssBytes: last?.rssBytes ?? null,
      memoryBoundBytes: last && last.memoryBoundBytes > 0 ? last.memoryBoundBytes : null,
      activeParts: last?.activeParts ?? null,
      evaluationLagP99Ms: last?.evaluationLagP99Ms ?? null,
    };
  });
}

/** Whether the answer has any point to chart. */
export function hasHealth(res: CollectorHealthResponse): boolean {
  return res.collectors.some((c) => c.points.length > 0);
}
