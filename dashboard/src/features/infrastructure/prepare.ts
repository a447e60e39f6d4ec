import type { GpuSeries, GpuSummary, LatestMetric, ModelGpuResponse } from '@aiobs/api-types';
import type { ChartRow } from '../../components/charts/time-series-chart.js';

/** A GPU's label on charts: host and GPU name (`gpu-node-1 GPU 0`). */
export function gpuLabel(host: string, name: string, id: string): string {
  return `${host} ${name || id}`;
}

/**
 * Which attribute sets of a metric stand for the GPU as a whole: utilization is also
 * reported per engine (`hw.gpu.task` decoder, encoder); the `general` (or untagged) one is
 * the GPU's.
 */
function isWholeGpu(attributes: Record<string, string>): boolean {
  const task = attributes['hw.gpu.task'];
  return task === undefined || task === '' || task === 'general';
}

/** A series' line name: the GPU, plus what else tells it apart (a throttle reason, a process). */
export function seriesName(s: GpuSeries): string {
  const extra = Object.entries(s.attributes)
    .filter(([k]) => k !== 'hw.gpu.task')
    .map(([, v]) => v);
  const base = gpuLabel(s.hostName, s.gpuName, s.gpuId);
  return extra.length > 0 ? `${base} ${extra.join(' ')}` : base;
}

/**
 * Chart rows of a GPU metric, one line per GPU (and attribute set), values passed through
 * `scale` (e.g. bytes → GiB); engine-level utilization is left out.
 */
export function gpuLines(
  series: GpuSeries[],
  scale: (v: number) => number = (v) => v,
): { rows: ChartRow[]; lines: string[] } {
  const kept = series.filter((s) => isWholeGpu(s.attributes));
  const lines = kept.map(seriesName);
  const byTime = new Map<number, ChartRow>();
  kept.forEach((s, i) => {
    for (const p of s.points) {
      const t = Date.parse(p.time);
      const row = byTime.get(t) ?? ({ t } as ChartRow);
      row[lines[i]!] = scale(p.value);
      byTime.set(t, row);
    }
  });
  return { rows: [...byTime.values()].sort((a, b) => a.t - b.t), lines };
}

/** The fleet heat map: one row per GPU, one column per time bucket. */
export interface HeatMap {
  /** Bucket start times, ms. */
  times: number[];
  rows: Array<{ key: string; label: string; cells: Array<number | null> }>;
  stepMs: number;
}

/**
 * GPU × time utilization over `[fromMs, toMs)`: every bucket of the range is a column (so
 * gaps, an agent that stopped, show as empty cells), GPUs sorted by host and name. Several
 * whole-GPU series of one GPU (should not happen) are averaged.
 */
export function heatMap(
  series: GpuSeries[],
  fromMs: number,
  toMs: number,
  stepMs: number,
): HeatMap {
  const start = Math.floor(fromMs / stepMs) * stepMs;
  const times: number[] = [];
  for (let t = start; t < toMs; t += stepMs) times.push(t);
  const col = new Map(times.map((t, i) => [t, i]));
  const acc = new Map<string, { label: string; sum: number[]; n: number[] }>();
  for (const s of series) {
    if (!isWholeGpu(s.attributes)) continue;
    const key = `${s.hostName}\u0000${s.gpuId}`;
    const entry = acc.get(key) ?? {
      label: gpuLabel(s.hostName, s.gpuName, s.gpuId),
      sum: times.map(() => 0),
      n: times.map(() => 0),
    };
    for (const p of s.points) {
      const i = col.get(Math.floor(Date.parse(p.time) / stepMs) * stepMs);
      if (i === undefined) continue;
      entry.sum[i]! += p.value;
      entry.n[i]! += 1;
    }
    acc.set(key, entry);
  }
  const rows = [...acc]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, e]) => ({
      key,
      label: e.label,
      cells: e.sum.map((s, i) => (e.n[i]! > 0 ? s / e.n[i]! : null)),
    }));
  return { times, rows, stepMs };
}

/** Viridis, dark to light: readable on both themes and for colour-blind readers. */
const VIRIDIS: Array<[number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The heat map colour of a 0–1 value (clamped); `null` has no colour. */
export function heatColor(v: number | null): string | undefined {
  if (v === null || !Number.isFinite(v)) return undefined;
  const x = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!];
  const c = a.map((ch, k) => Math.round(ch + (b[k]! - ch) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/**
 * One heat map row as a single CSS background: a hard-stop gradient with a band per bucket
 * (`empty` where a bucket has no value), runs of one colour merged. A row of 360 buckets is
 * then one element, not 360: a cold Infrastructure load built ~2,000 cells in the DOM.
 *
 * @example
 * rowGradient([0, 0, null], 'gray')
 * // 'linear-gradient(to right, rgb(68, 1, 84) 0% 66.6667%, gray 66.6667% 100%)'
 */
export function rowGradient(cells: ReadonlyArray<number | null>, empty: string): string {
  const n = cells.length;
  if (n === 0) return empty;
  const at = (i: number) => `${Number(((i / n) * 100).toFixed(4))}%`;
  const colours = cells.map((v) => heatColor(v) ?? empty);
  const bands: string[] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && colours[i] === colours[start]) continue;
    bands.push(`${colours[start]} ${at(start)} ${at(i)}`);
    start = i;
  }
  return `linear-gradient(to right, ${bands.join(', ')})`;
}

/** The latest value of metric `name` (whole GPU, or matching `attr`), if reported. */
export function latestValue(
  metrics: LatestMetric[],
  name: string,
  attr?: [string, string],
): number | undefined {
  const m = metrics.find(
    (x) => x.name === name && (attr ? x.attributes[attr[0]] === attr[1] : isWholeGpu(x.attributes)),
  );
  return m?.value;
}

/** Whether any throttle reason is active in the GPU's latest sample. */
export function isThrottled(metrics: LatestMetric[]): string[] {
  return metrics
    .filter((m) => m.name === 'aiobs.gpu.throttle.active' && m.value > 0)
    .map((m) => m.attributes['aiobs.gpu.throttle.reason'] ?? 'throttled');
}

/** One process's GPU memory (`aiobs.gpu.process.memory.usage`). */
export interface ProcessMemory {
  host: string;
  gpu: string;
  pid: string;
  name: string;
  bytes: number;
}

/** Every process's GPU memory from the GPUs' latest samples, largest first. */
export function processMemory(gpus: GpuSummary[]): ProcessMemory[] {
  const out: ProcessMemory[] = [];
  for (const g of gpus)
    for (const m of g.metrics)
      if (m.name === 'aiobs.gpu.process.memory.usage')
        out.push({
          host: g.hostName,
          gpu: gpuLabel(g.hostName, g.name, g.id),
          pid: m.attributes['process.pid'] ?? '',
          name:
            m.attributes['process.executable.name'] ??
            m.attributes['process.executable.path'] ??
            '',
          bytes: m.value,
        });
  return out.sort((a, b) => b.bytes - a.bytes);
}

/** A model's latency p95 and the mean GPU utilization of its hosts, per bucket, one time axis. */
export function overlayRows(res: ModelGpuResponse): ChartRow[] {
  return res.points.map((p) => ({
    t: Date.parse(p.time),
    'latency p95': p.latencyP95Ms,
    'GPU utilization': p.gpuUtilization,
  }));
}
