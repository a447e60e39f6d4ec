import { Hono } from 'hono';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { LATEST_WINDOW_MS, toGpuSeries, toGpus, toHosts } from '../query/host-shape.js';
import { parseRange, parseStep } from '../query/params.js';
import { GPU_SERIES_AGGS, type HostsRepo } from '../storage/hosts-repo.js';

/** `GET /api/v1/hosts`, `GET /api/v1/gpus` and `GET /api/v1/gpus/series`. */
export function hostRoutes(repo: HostsRepo) {
  const hosts = new Hono<AppEnv>();
  hosts.get('/', async function listHosts(c) {
    const q = c.req.query();
    const rows = await repo.latestHostMetrics(projectOf(c), parseRange(q, LATEST_WINDOW_MS));
    return c.json({ hosts: toHosts(rows) });
  });

  const gpus = new Hono<AppEnv>();
  gpus.get('/', async function listGpus(c) {
    const q = c.req.query();
    const rows = await repo.latestGpuMetrics(projectOf(c), parseRange(q, LATEST_WINDOW_MS), q.host);
    return c.json({ gpus: toGpus(rows) });
  });

  gpus.get('/series', async function gpuSeries(c) {
    const q = c.req.query();
    if (!q.metric)
      throw new BadRequestError('metric is required, e.g. hw.gpu.utilization', 'metric');
    const range = parseRange(q);
    const stepMs = parseStep(q.step, range);
    const agg = q.agg ?? 'avg';
    if (!GPU_SERIES_AGGS.includes(agg))
      throw new BadRequestError(`agg must be one of ${GPU_SERIES_AGGS.join(', ')}`, 'agg');
    const rows = await repo.gpuSeries(projectOf(c), range, q.metric, stepMs, agg, {
      host: q.host,
      gpu: q.gpu,
    });
    return c.json({ metric: q.metric, agg, stepMs, series: toGpuSeries(rows) });
  });

  return { hosts, gpus };
}
