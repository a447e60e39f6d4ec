import type { GpuMetricKey, GpuValues } from '../api/types.js';
import type { GpuBucketRow } from './gpu-repo.js';

/**
 * The GPU side of the GPU join, pure: per-GPU values per bucket from the per-minute rollup
 * rows, their mean over the GPUs, and Pearson correlations with the inference series.
 */

/** Keys of {@link GpuValues}, in the order they are reported. */
export const GPU_KEYS: readonly GpuMetricKey[] = [
  'gpuUtilization',
  'gpuMemoryUtilization',
  'gpuMemoryUsageBytes',
  'gpuPowerW',
  'gpuTemperatureC',
  'gpuThrottled',
];

const METRIC_KEY: Record<string, GpuMetricKey> = {
  'hw.gpu.utilization': 'gpuUtilization',
  'hw.gpu.memory.utilization': 'gpuMemoryUtilization',
  'hw.gpu.memory.usage': 'gpuMemoryUsageBytes',
  'hw.power': 'gpuPowerW',
  'hw.temperature': 'gpuTemperatureC',
  'aiobs.gpu.throttle.active': 'gpuThrottled',
};

/** Whether a utilization row is the GPU's overall ("general") load, not an encoder's. */
function isGeneralTask(detail: string): boolean {
  try {
    const task = (JSON.parse(detail) as Record<string, string>)['hw.gpu.task'];
    return task === undefined || task === '' || task === 'general';
  } catch {
    return true;
  }
}

const empty = (): GpuValues => ({
  gpuUtilization: null,
  gpuMemoryUtilization: null,
  gpuMemoryUsageBytes: null,
  gpuPowerW: null,
  gpuTemperatureC: null,
  gpuThrottled: null,
});

/** One GPU's values per bucket. */
export interface GpuLine {
  host: string;
  gpu: string;
  gpuName: string;
  /** Values per bucket start (ms). */
  byBucket: Map<number, GpuValues>;
}

/**
 * Per-GPU values per bucket: the mean of the samples in the bucket; utilization of the
 * "general" task only; `gpuThrottled` the share of samples throttled for the most frequent
 * reason (the agent reports one 0/1 series per reason).
 */
export function gpuLines(rows: readonly GpuBucketRow[]): GpuLine[] {
  const acc = new Map<string, { line: GpuLine; parts: Map<string, { s: number; n: number }> }>();
  for (const r of rows) {
    const key = METRIC_KEY[r.metric];
    if (!key || r.count === 0) continue;
    if (key === 'gpuUtilization' && !isGeneralTask(r.detail)) continue;
    const id = JSON.stringify([r.host, r.gpu]);
    let a = acc.get(id);
    if (!a) {
      a = {
        line: { host: r.host, gpu: r.gpu, gpuName: r.gpuName, byBucket: new Map() },
        parts: new Map(),
      };
      acc.set(id, a);
    }
    // Throttle reasons stay apart (max of their shares); other details are pooled.
    const part = JSON.stringify([r.bucketMs, key, key === 'gpuThrottled' ? r.detail : '']);
    const p = a.parts.get(part) ?? { s: 0, n: 0 };
    p.s += r.sum;
    p.n += r.count;
    a.parts.set(part, p);
  }
  const out: GpuLine[] = [];
  for (const { line, parts } of acc.values()) {
    for (const [part, { s, n }] of parts) {
      const [bucket, key] = JSON.parse(part) as [number, GpuMetricKey];
      const values = line.byBucket.get(bucket) ?? empty();
      const v = s / n;
      values[key] = key === 'gpuThrottled' ? Math.max(values[key] ?? 0, v) : v;
      line.byBucket.set(bucket, values);
    }
    out.push(line);
  }
  return out.sort((a, b) => a.host.localeCompare(b.host) || a.gpu.localeCompare(b.gpu));
}

/** Mean of each value over the GPUs that reported it in the bucket. */
export function meanOverGpus(lines: readonly GpuLine[], bucketMs: number): GpuValues {
  const out = empty();
  for (const key of GPU_KEYS) {
    let sum = 0;
    let n = 0;
    for (const l of lines) {
      const v = l.byBucket.get(bucketMs)?.[key];
      if (v !== null && v !== undefined) {
        sum += v;
        n++;
      }
    }
    out[key] = n > 0 ? sum / n : null;
  }
  return out;
}

/**
 * Pearson correlation of the pairs where both values exist; null with fewer than 3 pairs
 * or when either side does not vary.
 */
export function pearson(
  xs: readonly (number | null)[],
  ys: readonly (number | null)[],
): number | null {
  const pairs: [number, number][] = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x !== null && x !== undefined && y !== null && y !== undefined) pairs.push([x, y]);
  }
  if (pairs.length < 3) return null;
  const mx = pairs.reduce((a, [x]) => a + x, 0) / pairs.length;
  const my = pairs.reduce((a, [, y]) => a + y, 0) / pairs.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  // A side that only varies by rounding (a mean of constant GPUs) does not vary: its
  // "correlation" would be noise shown as a figure.
  const flat = (ss: number, m: number) => ss <= 1e-20 * pairs.length * (m * m + 1);
  if (flat(sxx, mx) || flat(syy, my)) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
