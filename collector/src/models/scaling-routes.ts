import { Hono } from 'hono';
import type { ScalingResponse } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { parseDuration, parseTime } from '../query/params.js';
import { gpuLines, meanOverGpus } from './gpu-join.js';
import type { GpuRepo } from './gpu-repo.js';
import { parseFilter } from './params.js';
import type { ModelsRepo } from './repo.js';
import { pickSummaryLevel } from './rollup-level.js';
import type { ScalingRepo } from './scaling-repo.js';
import { QUANTILE_LEVELS, toStats } from './stats.js';

const MIN = 60_000;
/** Longest window: autoscalers look at the recent past. */
const MAX_WINDOW_MS = 24 * 3_600_000;

/**
 * `GET /api/v1/scaling?model=|service=&window=5m&percentile=0.95`: autoscaling signals in
 * the shape KEDA's `metrics-api` scaler reads (a flat JSON object; `valueLocation` names a
 * field): queue depth, GPU utilization of the serving hosts, a latency percentile and the
 * request rate over the window ending now. Every field is a number (0 without data), since
 * the scaler cannot read null.
 */
export function scalingRoutes(
  models: ModelsRepo,
  gpus: GpuRepo,
  scaling: ScalingRepo,
  now: () => number = Date.now,
) {
  const app = new Hono<AppEnv>();
  app.get('/', async function scalingSignals(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const filter = parseFilter(q);
    if (!filter.model && !filter.service)
      throw new BadRequestError('name a model or a service', 'model');
    const windowMs = q.window === undefined ? 5 * MIN : parseDuration(q.window, 'window');
    if (windowMs > MAX_WINDOW_MS) throw new BadRequestError('window must be at most 24h', 'window');
    const percentile = q.percentile === undefined ? 0.95 : Number(q.percentile);
    const level = QUANTILE_LEVELS.indexOf(percentile as (typeof QUANTILE_LEVELS)[number]);
    if (level < 0)
      throw new BadRequestError(
        `percentile must be one of ${QUANTILE_LEVELS.join(', ')}`,
        'percentile',
      );
    const toMs = q.at === undefined ? now() : parseTime(q.at, 'at');
    const range = { fromMs: toMs - windowMs, toMs };
    const summaryRange = pickSummaryLevel(range);
    // GPU rollups are per minute: the minutes the window touches.
    const gpuRange = {
      fromMs: Math.floor(range.fromMs / MIN) * MIN,
      toMs: Math.ceil(range.toMs / MIN) * MIN,
    };
    const [agg, queueDepth, hosts] = await Promise.all([
      models.summarize(project, summaryRange, filter),
      scaling.queueDepth(project, range, filter),
      gpus.servingHosts(project, range, filter),
    ]);
    // One figure per GPU over the whole window: pool its minutes into one bucket.
    const minutes = await gpus.gpuBuckets(project, gpuRange, MIN, hosts);
    const lines = gpuLines(minutes.map((r) => ({ ...r, bucketMs: 0 })));
    const stats = toStats(agg);
    const latency = agg.requests > 0 ? agg.latency[level] : null;
    const body: ScalingResponse = {
      ...(filter.model ? { model: filter.model } : {}),
      ...(filter.service ? { service: filter.service } : {}),
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      windowMs,
      queueDepth,
      gpuUtilization: meanOverGpus(lines, 0).gpuUtilization ?? 0,
      latencyPercentile: percentile,
      latencyMs: typeof latency === 'number' && Number.isFinite(latency) ? latency : 0,
      requests: stats.requests,
      requestRate: stats.requests / (windowMs / 1000),
      errorRate: stats.errorRate ?? 0,
      hosts,
    };
    return c.json(body);
  });
  return app;
}
