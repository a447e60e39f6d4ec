import type { MetricSeries } from '../api/types.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { GroupKey, MetricInfoRow, MetricType, SeriesRow } from '../storage/metrics-repo.js';
import { histogramQuantile } from './histogram.js';
import { isoFromNanos } from './params.js';

/**
 * Pure shaping of `/api/v1/metrics*`: the parameters that depend on the metric's type, the
 * value of each series bucket, and the JSON of metric lists, series and raw points. The
 * route only parses, calls the repository and returns what these build.
 */

/** Every point type, for checking a `type` parameter (a record, so a new type must be added). */
const METRIC_TYPES: Record<MetricType, true> = {
  gauge: true,
  sum: true,
  histogram: true,
  exponential_histogram: true,
  summary: true,
};

const NUMBER_AGGS = ['avg', 'min', 'max', 'sum', 'count', 'last', 'rate'];
const HISTOGRAM_AGGS = ['count', 'sum', 'avg', 'min', 'max', 'rate'];
const SUMMARY_AGGS = ['count', 'sum', 'avg'];

/** One metric name in `GET /api/v1/metrics`. */
export interface MetricInfo {
  name: string;
  type: MetricType;
  unit: string;
  description: string;
  points: number;
  lastSeen: string;
  services: string[];
}

/** A metric list row as the API returns it. */
export function toMetricInfo(r: MetricInfoRow): MetricInfo {
  return {
    name: r.name,
    type: r.type,
    unit: r.unit,
    description: r.description,
    points: Number(r.points),
    lastSeen: isoFromNanos(r.last_ns),
    services: r.services,
  };
}

/**
 * `groupBy`: up to 10 comma-separated keys; `service.name`, `resource.<key>` or a point
 * attribute.
 */
export function parseGroupBy(value: string | undefined): GroupKey[] {
  if (!value) return [];
  const keys = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length > 10) throw new BadRequestError('groupBy takes at most 10 keys', 'groupBy');
  return keys.map((label) => {
    if (label === 'service.name') return { label, expr: 'service', key: '' };
    if (label.startsWith('resource.')) return { label, expr: 'resource', key: label.slice(9) };
    return { label, expr: 'attribute', key: label };
  });
}

/** The quantile of a `pNN` aggregation (`p99` → 0.99, `p99.9` → 0.999), else undefined. */
export function quantileOf(agg: string): number | undefined {
  const m = /^p(\d{1,2}(?:\.\d+)?)$/.exec(agg);
  if (!m) return undefined;
  const q = Number(m[1]) / 100;
  return q > 0 && q < 1 ? q : undefined;
}

/**
 * The type to read: the one asked for, which the metric must have in the range, else the
 * first it has. A metric with no points in the range reads as empty when its type is named
 * (a dashboard panel for an optional metric), since the type is all a read needs.
 *
 * @throws NotFoundError when the metric has no points in the range and no type is named
 * @throws BadRequestError when `wanted` is not a type, or the metric has points but none of it
 */
export function pickMetricType(
  name: string,
  types: readonly MetricType[],
  wanted: string | undefined,
): MetricType {
  if (wanted !== undefined && !Object.hasOwn(METRIC_TYPES, wanted))
    throw new BadRequestError(
      `type must be one of ${Object.keys(METRIC_TYPES).join(', ')}`,
      'type',
    );
  if (types.length === 0) {
    if (wanted !== undefined) return wanted as MetricType;
    throw new NotFoundError(`no data for metric "${name}" in this range`);
  }
  if (wanted === undefined) return types[0]!;
  if (!types.includes(wanted as MetricType))
    throw new BadRequestError(
      `metric "${name}" has no ${wanted} points; it has ${types.join(', ')}`,
      'type',
    );
  return wanted as MetricType;
}

/**
 * `agg` for a series of `type`, with its default (gauge: avg, sum: rate, else p95).
 *
 * @throws BadRequestError for an aggregation the type has not, and for exponential
 *   histograms (no series yet)
 */
export function parseMetricAgg(type: MetricType, agg: string | undefined): string {
  const a = agg ?? (type === 'gauge' ? 'avg' : type === 'sum' ? 'rate' : 'p95');
  if (type === 'gauge' || type === 'sum') {
    if (!NUMBER_AGGS.includes(a))
      throw new BadRequestError(
        `agg for a ${type} must be one of ${NUMBER_AGGS.join(', ')}`,
        'agg',
      );
  } else if (type === 'histogram') {
    if (!HISTOGRAM_AGGS.includes(a) && quantileOf(a) === undefined)
      throw new BadRequestError(
        `agg for a histogram must be one of ${HISTOGRAM_AGGS.join(', ')} or pNN (p50, p99)`,
        'agg',
      );
  } else if (type === 'summary') {
    if (!SUMMARY_AGGS.includes(a) && quantileOf(a) === undefined)
      throw new BadRequestError('agg for a summary must be count, sum, avg or pNN', 'agg');
  } else {
    throw new BadRequestError(
      'series of exponential histograms are not supported yet; use /metrics/points',
      'name',
    );
  }
  return a;
}

/** The value of one series bucket for the requested aggregation (null: no value). */
export function bucketValue(
  row: SeriesRow,
  type: MetricType,
  agg: string,
  stepMs: number,
): number | null {
  if (type === 'gauge' || type === 'sum') return row.v ?? null;
  const count = Number(row.count ?? 0);
  const q = quantileOf(agg);
  if (type === 'summary') {
    if (q !== undefined) {
      const i = (row.quantiles ?? []).findIndex((x) => Math.abs(x - q) < 1e-9);
      return i >= 0 ? (row.qvalues?.[i] ?? null) : null;
    }
    if (agg === 'count') return count;
    if (agg === 'sum') return row.sum ?? null;
    return count > 0 ? (row.sum ?? 0) / count : null;
  }
  if (q !== undefined)
    return histogramQuantile(row.bounds ?? [], (row.buckets ?? []).map(Number), q);
  switch (agg) {
    case 'count':
      return count;
    case 'sum':
      return row.sum ?? null;
    case 'min':
      return count > 0 ? (row.min ?? null) : null;
    case 'max':
      return count > 0 ? (row.max ?? null) : null;
    case 'rate':
      return count / (stepMs / 1000);
    default:
      return count > 0 ? (row.sum ?? 0) / count : null;
  }
}

/**
 * Buckets (ordered by time from the repository) into one series per group, in the order
 * groups first appear; each group names its values by the `groupBy` labels.
 */
export function toMetricSeries(
  rows: readonly SeriesRow[],
  groupBy: readonly GroupKey[],
  type: MetricType,
  agg: string,
  stepMs: number,
): MetricSeries[] {
  const series = new Map<string, MetricSeries>();
  for (const r of rows) {
    const key = JSON.stringify(r.g);
    let s = series.get(key);
    if (!s) {
      s = {
        group: Object.fromEntries(groupBy.map((g, i) => [g.label, r.g[i] ?? ''])),
        points: [],
      };
      series.set(key, s);
    }
    s.points.push({
      time: new Date(Number(r.t)).toISOString(),
      value: bucketValue(r, type, agg, stepMs),
    });
  }
  return [...series.values()];
}

/** Columns `toMetricPoint` renders itself (the rest pass through camelCased). */
const POINT_OWN_COLUMNS = new Set([
  'time_ns',
  'row_id',
  'start_ns',
  'ServiceName',
  'MetricUnit',
  'Attributes',
  'ResourceAttributes',
  'ScopeName',
  'ScopeVersion',
  'Flags',
]);

/**
 * One raw point row (`otel_metrics_*` columns plus `time_ns`, `start_ns`, `row_id`) as the
 * API returns it: times in ISO 8601, other columns camelCased, summary quantiles and
 * exemplars zipped from their parallel arrays into objects.
 */
export function toMetricPoint(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    time: isoFromNanos(r.time_ns as string),
    timeUnixNano: r.time_ns,
    startTime: isoFromNanos(r.start_ns as string),
    serviceName: r.ServiceName,
    unit: r.MetricUnit,
    attributes: r.Attributes,
    resourceAttributes: r.ResourceAttributes,
    scope: { name: r.ScopeName, version: r.ScopeVersion },
    flags: Number(r.Flags),
  };
  for (const [k, v] of Object.entries(r)) {
    if (
      k in out ||
      POINT_OWN_COLUMNS.has(k) ||
      k.startsWith('Exemplars.') ||
      k.startsWith('ValueAtQuantiles.')
    )
      continue;
    out[k[0]!.toLowerCase() + k.slice(1)] = v;
  }
  if ('ValueAtQuantiles.Quantile' in r) {
    const qs = r['ValueAtQuantiles.Quantile'] as number[];
    const vs = r['ValueAtQuantiles.Value'] as number[];
    out.quantiles = qs.map((quantile, i) => ({ quantile, value: vs[i] }));
  }
  if ('Exemplars.Value' in r) {
    const vals = r['Exemplars.Value'] as number[];
    out.exemplars = vals.map((value, i) => ({
      value,
      time: isoFromNanos((r['Exemplars.TimeUnix_ns'] as string[])[i]!),
      traceId: (r['Exemplars.TraceId'] as string[])[i],
      spanId: (r['Exemplars.SpanId'] as string[])[i],
      attributes: (r['Exemplars.FilteredAttributes'] as Record<string, string>[])[i],
    }));
  }
  return out;
}
