import type { GpuSeries, GpuSummary, HostSummary, LatestMetric } from '../api/types.js';
import type { GpuSeriesRow, LatestRow } from '../storage/hosts-repo.js';
import { isoFromNanos } from './params.js';

/**
 * Pure shaping of `/api/v1/hosts`, `/api/v1/gpus` and `/api/v1/gpus/series`: latest-value
 * rows grouped per host and per GPU, series buckets grouped per GPU and attribute set. The
 * routes only parse, call the repository and return what these build.
 */

/** How far back "latest" looks by default: agents report every 10 s. */
export const LATEST_WINDOW_MS = 15 * 60_000;

// The answer shapes live in api/types.ts (the dashboard reads them there).
export type { GpuSeries, GpuSummary, HostSummary, LatestMetric } from '../api/types.js';

function toLatestMetric(r: LatestRow): LatestMetric {
  return {
    name: r.name,
    unit: r.unit,
    attributes: r.attrs,
    value: r.value,
    time: isoFromNanos(r.time_ns),
  };
}

/** The later of two Unix-nanosecond decimal strings (longer is later: no leading zeros). */
export function laterNanos(a: string, b: string): string {
  return a.length !== b.length ? (a.length > b.length ? a : b) : a > b ? a : b;
}

/**
 * Hosts from latest-value rows of host and GPU metrics: last seen is the newest row of the
 * host, GPUs are counted by distinct `hw.id`, and only `system.*` metrics are listed (GPU
 * metrics belong to `/gpus`). Hosts keep the order they first appear in.
 */
export function toHosts(rows: readonly LatestRow[]): HostSummary[] {
  const byHost = new Map<
    string,
    { hostName: string; lastNs: string; gpus: Set<string>; metrics: LatestMetric[] }
  >();
  for (const r of rows) {
    let h = byHost.get(r.host);
    if (!h) {
      h = { hostName: r.host, lastNs: '0', gpus: new Set(), metrics: [] };
      byHost.set(r.host, h);
    }
    h.lastNs = laterNanos(h.lastNs, r.time_ns);
    const gpu = r.attrs['hw.id'];
    if (gpu) h.gpus.add(gpu);
    if (r.name.startsWith('system.')) h.metrics.push(toLatestMetric(r));
  }
  return [...byHost.values()].map((h) => ({
    hostName: h.hostName,
    lastSeen: isoFromNanos(h.lastNs),
    gpuCount: h.gpus.size,
    metrics: h.metrics,
  }));
}

/**
 * GPUs from latest-value rows, one per (host, GPU id); name, vendor and model come from the
 * first row that carries them, as not every metric repeats them.
 */
export function toGpus(rows: readonly LatestRow[]): GpuSummary[] {
  const byGpu = new Map<string, Omit<GpuSummary, 'lastSeen'> & { lastNs: string }>();
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
    g.lastNs = laterNanos(g.lastNs, r.time_ns);
    g.metrics.push(toLatestMetric(r));
  }
  return [...byGpu.values()].map(({ lastNs, ...g }) => ({ ...g, lastSeen: isoFromNanos(lastNs) }));
}

/** Buckets (ordered by time) into one series per (host, GPU, attribute set). */
export function toGpuSeries(rows: readonly GpuSeriesRow[]): GpuSeries[] {
  const series = new Map<string, GpuSeries>();
  for (const r of rows) {
    const key = JSON.stringify([r.host, r.gpu, r.attrs]);
    let s = series.get(key);
    if (!s) {
      s = { hostName: r.host, gpuId: r.gpu, gpuName: r.gpu_name, attributes: r.attrs, points: [] };
      series.set(key, s);
    }
    s.points.push({ time: new Date(Number(r.t)).toISOString(), value: r.v });
  }
  return [...series.values()];
}
