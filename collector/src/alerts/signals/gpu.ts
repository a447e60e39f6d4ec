import type { Params } from '../../storage/db.js';
import type { SignalContext, SignalSample } from '../contract.js';
import { type Grid, gridParams, pointsOfRow, rowsRange } from './grid.js';
import type { BaseSignal } from './schema.js';

/**
 * The GPU kinds, read from the agent's per-minute host metrics (aiobs_host_metrics_1m, one
 * query per grid). Each GPU's minutes are folded by `aggregation` (avg of the samples, or
 * the max/min sample), then the GPUs by `across` (by default the worst: max). A `model` or
 * `service` filter keeps the GPUs of the hosts that served it in the window's hours (for a
 * preview, in the range's hours) from aiobs_model_hosts_1h, the model-analytics GPU join.
 *
 * - utilization: `hw.gpu.utilization` of the general task (not encoder/decoder), 0–1;
 * - memory: `hw.gpu.memory.utilization` where reported, else usage over limit; or bytes;
 * - throttling: the agent reports one 0/1 series per throttle reason; a GPU's value is the
 *   largest share of samples throttled for any one reason (a lower bound of the share of
 *   time throttled for any reason, which the per-minute rows cannot give exactly).
 */

/** The GPU kinds. */
export type GpuSignal = Extract<
  BaseSignal,
  { kind: 'gpuUtilization' | 'gpuTemperature' | 'gpuMemory' | 'gpuPower' | 'gpuThrottling' }
>;

const METRICS: Record<GpuSignal['kind'], string[]> = {
  gpuUtilization: ['hw.gpu.utilization'],
  gpuTemperature: ['hw.temperature'],
  gpuPower: ['hw.power'],
  gpuThrottling: ['aiobs.gpu.throttle.active'],
  gpuMemory: ['hw.gpu.memory.utilization', 'hw.gpu.memory.usage', 'hw.gpu.memory.limit'],
};

/** One folded (point, GPU, metric, part) group. */
interface Row {
  k: number | string;
  host: string;
  gpu: string;
  metric: string;
  part: string;
  s: number;
  n: number | string;
  mn: number;
  mx: number;
}

/** The SQL filters of a GPU signal, bound. */
function where(ctx: SignalContext, s: GpuSignal, range: { fromMs: number; toMs: number }) {
  const params: Params = {
    project: ctx.project,
    lo: range.fromMs,
    hi: range.toMs,
    metrics: METRICS[s.kind],
  };
  const conds = [
    'project_id = {project:String}',
    "gpu != ''",
    'metric IN {metrics:Array(String)}',
    'ts >= toDateTime(intDiv({lo:Int64}, 1000)) AND ts < toDateTime(intDiv({hi:Int64}, 1000))',
  ];
  if (s.kind === 'gpuUtilization')
    conds.push("JSONExtractString(detail, 'hw.gpu.task') IN ('', 'general')");
  if (s.host !== undefined) {
    params.f_host = s.host;
    conds.push('host = {f_host:String}');
  }
  if (s.gpu !== undefined) {
    params.f_gpu = s.gpu;
    conds.push('gpu = {f_gpu:String}');
  }
  if (s.model !== undefined || s.service !== undefined) {
    params.f_model = s.model ?? '';
    params.f_service = s.service ?? '';
    conds.push(`host IN (
      SELECT host FROM ${ctx.db.table('aiobs_model_hosts_1h')}
      WHERE project_id = {project:String}
        AND ts >= toStartOfHour(fromUnixTimestamp64Milli({lo:Int64}), 'UTC')
        AND ts < fromUnixTimestamp64Milli({hi:Int64})
        AND ({f_model:String} = '' OR model = {f_model:String})
        AND ({f_service:String} = '' OR service = {f_service:String}))`);
  }
  return { sql: conds.join(' AND '), params };
}

/** A group's value under the GPU fold `aggregation`. */
function fold(r: Row, aggregation: GpuSignal['aggregation']): number {
  if (aggregation === 'max') return r.mx;
  if (aggregation === 'min') return r.mn;
  return r.s / Number(r.n);
}

/** One GPU's value from its metric groups at one point. */
function gpuValue(s: GpuSignal, groups: readonly Row[]): number | null {
  const of = (metric: string) => groups.filter((g) => g.metric === metric);
  const value = (metric: string) => {
    const g = of(metric)[0];
    return g ? fold(g, s.aggregation) : null;
  };
  if (s.kind === 'gpuThrottling') {
    const shares = of('aiobs.gpu.throttle.active').map((g) => fold(g, s.aggregation));
    return shares.length ? Math.max(...shares) : null;
  }
  if (s.kind === 'gpuMemory') {
    const usage = value('hw.gpu.memory.usage');
    if (s.unit === 'bytes') return usage;
    const ratio = value('hw.gpu.memory.utilization');
    if (ratio !== null) return ratio;
    const limit = value('hw.gpu.memory.limit');
    return usage !== null && limit ? usage / limit : null;
  }
  return value(METRICS[s.kind][0]!);
}

/** The GPU signal at every point of `grid`, each over its trailing `windowMs`. */
export async function gpuPoints(
  ctx: SignalContext,
  s: GpuSignal,
  windowMs: number,
  grid: Grid,
): Promise<SignalSample[]> {
  const range = rowsRange(grid, windowMs, '1m');
  const w = where(ctx, s, range);
  const rows = await ctx.db.rows<Row>(
    `SELECT arrayJoin(${pointsOfRow('toInt64(toUnixTimestamp(ts)) * 1000')}) AS k, host, gpu, metric,
       if(metric = 'aiobs.gpu.throttle.active', detail, '') AS part,
       sum(value_sum) AS s, sum(value_count) AS n, min(value_min) AS mn, max(value_max) AS mx
     FROM ${ctx.db.table('aiobs_host_metrics_1m')} WHERE ${w.sql}
     GROUP BY k, host, gpu, metric, part ORDER BY k, host, gpu`,
    { ...w.params, ...gridParams(grid, windowMs, '1m') },
  );
  const byPoint = new Map<number, Map<string, Row[]>>();
  for (const r of rows) {
    if (Number(r.n) === 0) continue;
    const k = Number(r.k);
    const gpus = byPoint.get(k) ?? new Map<string, Row[]>();
    const id = `${r.host}\u0000${r.gpu}`;
    gpus.set(id, [...(gpus.get(id) ?? []), r]);
    byPoint.set(k, gpus);
  }
  return Array.from({ length: grid.n }, (_, k) => {
    const values = [...(byPoint.get(k)?.values() ?? [])]
      .map((groups) => gpuValue(s, groups))
      .filter((v): v is number => v !== null);
    if (values.length === 0) return { value: null, details: { gpus: 0 } };
    const value =
      s.across === 'max'
        ? Math.max(...values)
        : s.across === 'min'
          ? Math.min(...values)
          : values.reduce((a, b) => a + b, 0) / values.length;
    return { value, details: { gpus: values.length } };
  });
}
