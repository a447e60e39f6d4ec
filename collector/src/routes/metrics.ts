import { Hono } from 'hono';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { histogramQuantile } from '../query/histogram.js';
import {
  decodeCursor,
  encodeCursor,
  isoFromNanos,
  parseAttrFilters,
  parseLimit,
  parseProject,
  parseRange,
  parseStep,
} from '../query/params.js';
import type {
  GroupKey,
  MetricQuery,
  MetricsRepo,
  MetricType,
  SeriesRow,
} from '../storage/metrics-repo.js';

const NUMBER_AGGS = ['avg', 'min', 'max', 'sum', 'count', 'last', 'rate'];
const HISTOGRAM_AGGS = ['count', 'sum', 'avg', 'min', 'max', 'rate'];

function parseGroupBy(value: string | undefined): GroupKey[] {
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

function quantileOf(agg: string): number | undefined {
  const m = /^p(\d{1,2}(?:\.\d+)?)$/.exec(agg);
  if (!m) return undefined;
  const q = Number(m[1]) / 100;
  return q > 0 && q < 1 ? q : undefined;
}

/** The value of one series bucket for the requested aggregation. */
function bucketValue(row: SeriesRow, type: MetricType, agg: string, stepMs: number): number | null {
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

/** `GET /api/v1/metrics`, `/api/v1/metrics/series` and `/api/v1/metrics/points`. */
export function metricRoutes(repo: MetricsRepo) {
  const app = new Hono<AppEnv>();

  app.get('/', async function listMetrics(c) {
    const q = c.req.query();
    const rows = await repo.listMetrics(parseProject(q.project), parseRange(q), q.service, q.q);
    return c.json({
      metrics: rows.map((r) => ({
        name: r.name,
        type: r.type,
        unit: r.unit,
        description: r.description,
        points: Number(r.points),
        lastSeen: isoFromNanos(r.last_ns),
        services: r.services,
      })),
    });
  });

  const metricQuery = (q: Record<string, string | undefined>, url: string): MetricQuery => {
    if (!q.name) throw new BadRequestError('name is required (the metric name)', 'name');
    return {
      ...parseRange(q),
      project: parseProject(q.project),
      name: q.name,
      service: q.service,
      attrs: parseAttrFilters(url),
    };
  };

  const typeOf = async (mq: MetricQuery, wanted: string | undefined): Promise<MetricType> => {
    const types = await repo.typesOf(mq);
    if (types.length === 0)
      throw new NotFoundError(`no data for metric "${mq.name}" in this range`);
    if (wanted !== undefined) {
      if (!types.includes(wanted as MetricType))
        throw new BadRequestError(
          `metric "${mq.name}" has no ${wanted} points; it has ${types.join(', ')}`,
          'type',
        );
      return wanted as MetricType;
    }
    return types[0]!;
  };

  app.get('/series', async function metricSeries(c) {
    const q = c.req.query();
    const mq = metricQuery(q, c.req.url);
    const stepMs = parseStep(q.step, mq);
    const type = await typeOf(mq, q.type);
    const groupBy = parseGroupBy(q.groupBy);
    const agg = q.agg ?? (type === 'gauge' ? 'avg' : type === 'sum' ? 'rate' : 'p95');
    let rows: SeriesRow[];
    if (type === 'gauge' || type === 'sum') {
      if (!NUMBER_AGGS.includes(agg))
        throw new BadRequestError(
          `agg for a ${type} must be one of ${NUMBER_AGGS.join(', ')}`,
          'agg',
        );
      rows = await repo.numberSeries(mq, type, stepMs, agg, groupBy);
    } else if (type === 'histogram') {
      if (!HISTOGRAM_AGGS.includes(agg) && quantileOf(agg) === undefined)
        throw new BadRequestError(
          `agg for a histogram must be one of ${HISTOGRAM_AGGS.join(', ')} or pNN (p50, p99)`,
          'agg',
        );
      rows = await repo.histogramSeries(mq, stepMs, groupBy);
    } else if (type === 'summary') {
      if (!['count', 'sum', 'avg'].includes(agg) && quantileOf(agg) === undefined)
        throw new BadRequestError('agg for a summary must be count, sum, avg or pNN', 'agg');
      rows = await repo.summarySeries(mq, stepMs, groupBy);
    } else {
      throw new BadRequestError(
        'series of exponential histograms are not supported yet; use /metrics/points',
        'name',
      );
    }
    const series = new Map<
      string,
      { group: Record<string, string>; points: { time: string; value: number | null }[] }
    >();
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
    return c.json({ name: mq.name, type, agg, stepMs, series: [...series.values()] });
  });

  app.get('/points', async function metricPoints(c) {
    const q = c.req.query();
    const mq = metricQuery(q, c.req.url);
    const type = await typeOf(mq, q.type);
    const limit = parseLimit(q.limit, 500, 10_000);
    const rows = await repo.points(
      mq,
      type,
      limit,
      decodeCursor(q.cursor, ['int64', 'string']) as [string, string] | undefined,
    );
    const last = rows[rows.length - 1] as { time_ns: string; row_id: string } | undefined;
    return c.json({
      name: mq.name,
      type,
      points: rows.map(toPoint),
      nextCursor: rows.length === limit && last ? encodeCursor([last.time_ns, last.row_id]) : null,
    });
  });

  return app;
}

function toPoint(r: Record<string, unknown>) {
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
      [
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
      ].includes(k) ||
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
