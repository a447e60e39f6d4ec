import { Hono } from 'hono';
import type { MetricSeriesResponse } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import {
  parseGroupBy,
  parseMetricAgg,
  pickMetricType,
  toMetricInfo,
  toMetricPoint,
  toMetricSeries,
} from '../query/metric-series.js';
import {
  decodeCursor,
  encodeCursor,
  parseAttrFilters,
  parseLimit,
  parseRange,
  parseStep,
} from '../query/params.js';
import type { MetricQuery, MetricsRepo, SeriesRow } from '../storage/metrics-repo.js';

/** `GET /api/v1/metrics`, `/api/v1/metrics/series` and `/api/v1/metrics/points`. */
export function metricRoutes(repo: MetricsRepo) {
  const app = new Hono<AppEnv>();

  app.get('/', async function listMetrics(c) {
    const q = c.req.query();
    const rows = await repo.listMetrics(projectOf(c), parseRange(q), q.service, q.q);
    return c.json({ metrics: rows.map(toMetricInfo) });
  });

  const metricQuery = (
    q: Record<string, string | undefined>,
    url: string,
    project: string,
  ): MetricQuery => {
    if (!q.name) throw new BadRequestError('name is required (the metric name)', 'name');
    return {
      ...parseRange(q),
      project,
      name: q.name,
      service: q.service,
      attrs: parseAttrFilters(url),
    };
  };

  const typeOf = async (mq: MetricQuery, wanted: string | undefined) =>
    pickMetricType(mq.name, await repo.typesOf(mq), wanted);

  app.get('/series', async function metricSeries(c) {
    const q = c.req.query();
    const mq = metricQuery(q, c.req.url, projectOf(c));
    const stepMs = parseStep(q.step, mq);
    const type = await typeOf(mq, q.type);
    const groupBy = parseGroupBy(q.groupBy);
    const agg = parseMetricAgg(type, q.agg);
    let rows: SeriesRow[];
    // parseMetricAgg refused exponential histograms: no series for them yet.
    if (type === 'gauge' || type === 'sum')
      rows = await repo.numberSeries(mq, type, stepMs, agg, groupBy);
    else if (type === 'histogram') rows = await repo.histogramSeries(mq, stepMs, groupBy);
    else rows = await repo.summarySeries(mq, stepMs, groupBy);
    const series = toMetricSeries(rows, groupBy, type, agg, stepMs);
    const body: MetricSeriesResponse = {
      name: mq.name,
      type,
      agg,
      from: new Date(mq.fromMs).toISOString(),
      to: new Date(mq.toMs).toISOString(),
      stepMs,
      series,
    };
    return c.json(body);
  });

  app.get('/points', async function metricPoints(c) {
    const q = c.req.query();
    const mq = metricQuery(q, c.req.url, projectOf(c));
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
      points: rows.map(toMetricPoint),
      nextCursor: rows.length === limit && last ? encodeCursor([last.time_ns, last.row_id]) : null,
    });
  });

  return app;
}
