import type { Change, ModelSeriesResponse, Series, SeriesMetric } from '@aiobs/api-types';
import type { Annotation, ChartRow } from '../components/charts/time-series-chart.js';

/** A line's name: its group's values (`v2`, `canary`), or `fallback` for the ungrouped line. */
export function seriesLabel(s: Series, fallback = 'all'): string {
  const values = Object.values(s.group).filter((v) => v !== undefined && v !== '');
  return values.length > 0 ? values.join(' · ') : fallback;
}

/**
 * Chart rows for one metric, one line per series (named by {@link seriesLabel}). `scale`
 * turns a bucket's value into the plotted unit (e.g. requests per bucket → per second).
 */
export function rowsByGroup(
  res: ModelSeriesResponse,
  metric: SeriesMetric,
  scale: (v: number) => number = (v) => v,
): { rows: ChartRow[]; lines: string[] } {
  const lines = res.series.map((s) => seriesLabel(s, metric));
  const byTime = new Map<number, ChartRow>();
  res.series.forEach((s, i) => {
    for (const p of s.points) {
      const t = Date.parse(p.time);
      let row = byTime.get(t);
      if (!row) {
        row = { t } as ChartRow;
        byTime.set(t, row);
      }
      const v = p[metric];
      row[lines[i]!] = v === null || v === undefined ? null : scale(v);
    }
  });
  return { rows: [...byTime.values()].sort((a, b) => a.t - b.t), lines };
}

/**
 * Chart rows with several metrics of the one ungrouped series as lines, named by `names`
 * (e.g. `latencyP95` → `p95`).
 */
export function rowsByMetric(
  res: ModelSeriesResponse,
  names: Partial<Record<SeriesMetric, string>>,
  scale: (v: number) => number = (v) => v,
): { rows: ChartRow[]; lines: string[] } {
  const metrics = Object.keys(names) as SeriesMetric[];
  const lines = metrics.map((m) => names[m]!);
  const points = res.series[0]?.points ?? [];
  const rows = points.map((p) => {
    const row = { t: Date.parse(p.time) } as ChartRow;
    metrics.forEach((m, i) => {
      const v = p[m];
      row[lines[i]!] = v === null || v === undefined ? null : scale(v);
    });
    return row;
  });
  return { rows, lines };
}

/**
 * Whether `rows` have anything to draw on `lines`: a value that is not null, and not 0 unless
 * `zeroIsData` (an error rate of 0 % is a value; a cost of 0 without prices is not).
 */
export function hasValues(rows: ChartRow[], lines: string[], zeroIsData = false): boolean {
  return rows.some((r) =>
    lines.some((l) => r[l] !== null && r[l] !== undefined && (zeroIsData || r[l] !== 0)),
  );
}

/** Requests per bucket → requests per second, for a series of `stepMs` buckets. */
export function perSecond(stepMs: number): (v: number) => number {
  return (v) => v / (stepMs / 1000);
}

/**
 * The changes inside `[fromMs, toMs]` as chart annotations, numbered "1", "2"... in time
 * order. Changes first seen in the same minute share one marker (`version v2 of acme/llm +2`);
 * {@link changeMarker} gives the number of a change's marker for the list beside the chart.
 */
export function changeAnnotations(changes: Change[], fromMs: number, toMs: number): Annotation[] {
  const byMinute = new Map<number, { t: number; labels: string[] }>();
  for (const c of changes) {
    const t = Date.parse(c.firstSeen);
    if (!(t >= fromMs && t <= toMs)) continue;
    const minute = Math.floor(t / 60_000);
    const entry = byMinute.get(minute) ?? { t, labels: [] };
    entry.labels.push(changeLabel(c));
    byMinute.set(minute, entry);
  }
  return [...byMinute.values()]
    .sort((a, b) => a.t - b.t)
    .map(({ t, labels }, i) => ({
      t,
      marker: String(i + 1),
      label: labels.length > 1 ? `${labels[0]} +${labels.length - 1}` : labels[0]!,
    }));
}

/** The marker of `c` among `annotations` (same minute as its first sighting), if drawn. */
export function changeMarker(c: Change, annotations: Annotation[]): string | undefined {
  const minute = Math.floor(Date.parse(c.firstSeen) / 60_000);
  return annotations.find((a) => Math.floor(a.t / 60_000) === minute)?.marker;
}

/** One line describing a change: `new version v2 of acme/llm`. */
export function changeLabel(c: Change): string {
  if (c.kind === 'version') return `version ${c.version} of ${c.model}`;
  if (c.kind === 'variant') return `variant ${c.variant} of ${c.model}`;
  return `new model ${c.model}`;
}
