import { Hono } from 'hono';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { isoFromNanos, parseProject, parseRange, parseStep } from '../query/params.js';
import { GPU_SERIES_AGGS, type HostsRepo, type LatestRow } from '../storage/hosts-repo.js';

/** How far back "latest" looks by default: agents report every 10 s. */
const LATEST_WINDOW_MS = 15 * 60_000;

function metricOf(r: LatestRow) {
  return {
    name: r.name,
    unit: r.unit,
    attributes: r.attrs,
    value: r.value,
    time: isoFromNanos(r.time_ns),
  };
}

function laterOf(a: string, b: string): string {
  return a.length !== b.length ? (a.length > b.length ? a : b) : a > b ? a : b;
}

/** `GET /api/v1/hosts`, `GET /api/v1/gpus` and `GET /api/v1/gpus/series`. */
export function hostRoutes(repo: HostsRepo) {
  const hosts = new Hono<AppEnv>();
  hosts.get('/', async function listHosts(c) {
    const q = c.req.query();
    const rows = await repo.latestHostMetrics(
      parseProject(q.project),
      parseRange(q, LATEST_WINDOW_MS),
    );
    const byHost = new Map<
      string,
      {
        hostName: string;
        lastNs: string;
        gpus: Set<string>;
        metrics: ReturnType<typeof metricOf>[];
      }
    >();
    for (const r of rows) {
      let h = byHost.get(r.host);
      if (!h) {
        h = { hostName: r.host, lastNs: '0', gpus: new Set(), metrics: [] };
        byHost.set(r.host, h);
      }
      h.lastNs = laterOf(h.lastNs, r.time_ns);
      const gpu = r.attrs['hw.id'];
      if (gpu) h.gpus.add(gpu);
      if (r.name.startsWith('system.')) h.metrics.push(metricOf(r));
    }
    return c.json({
      hosts: [...byHost.values()].map((h) => ({
        hostName: h.hostName,
        lastSeen: isoFromNanos(h.lastNs),
        gpuCount: h.gpus.size,
        metrics: h.metrics,
      })),
    });
  });

  const gpus = new Hono<AppEnv>();
  gpus.get('/', async function listGpus(c) {
    const q = c.req.query();
    const rows = await repo.latestGpuMetrics(
      parseProject(q.project),
      parseRange(q, LATEST_WINDOW_MS),
      q.host,
    );
    const byGpu = new Map<
      string,
      {
        hostName: string;
        id: string;
        name: string;
        vendor: string;
        model: string;
        lastNs: string;
        metrics: ReturnType<typeof metricOf>[];
      }
    >();
    for (const r of rows) {
      const key = `${r.host}\u0000${r.gpu}`;
      let g = byGpu.get(key);
      if (!g) {
        g = {
          hostName: r.host,
          id: r.gpu,
          name: r.gpu_name,
          vendor: r.gpu_vendor,
          model: r.gpu_model,
          lastNs: '0',
          metrics: [],
        };
        byGpu.set(key, g);
      }
      g.name ||= r.gpu_name;
      g.vendor ||= r.gpu_vendor;
      g.model ||= r.gpu_model;
      g.lastNs = laterOf(g.lastNs, r.time_ns);
      g.metrics.push(metricOf(r));
    }
    return c.json({
      gpus: [...byGpu.values()].map(({ lastNs, ...g }) => ({
        ...g,
        lastSeen: isoFromNanos(lastNs),
      })),
    });
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
    const rows = await repo.gpuSeries(parseProject(q.project), range, q.metric, stepMs, agg, {
      host: q.host,
      gpu: q.gpu,
    });
    const series = new Map<
      string,
      {
        hostName: string;
        gpuId: string;
        gpuName: string;
        attributes: Record<string, string>;
        points: { time: string; value: number }[];
      }
    >();
    for (const r of rows) {
      const key = JSON.stringify([r.host, r.gpu, r.attrs]);
      let s = series.get(key);
      if (!s) {
        s = {
          hostName: r.host,
          gpuId: r.gpu,
          gpuName: r.gpu_name,
          attributes: r.attrs,
          points: [],
        };
        series.set(key, s);
      }
      s.points.push({ time: new Date(Number(r.t)).toISOString(), value: r.v });
    }
    return c.json({ metric: q.metric, agg, stepMs, series: [...series.values()] });
  });

  return { hosts, gpus };
}
