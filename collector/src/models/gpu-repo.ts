import type { Db } from '../storage/db.js';
import type { InferenceFilter } from './repo.js';

/**
 * Reads for the GPU join: which hosts served a model or service (or one trace), and the
 * per-minute GPU metrics of those hosts (aiobs_host_metrics_1m).
 */

/** GPU metrics the join reads, by the agent's metric names. */
export const GPU_METRICS = [
  'hw.gpu.utilization',
  'hw.gpu.memory.utilization',
  'hw.gpu.memory.usage',
  'hw.power',
  'hw.temperature',
  'aiobs.gpu.throttle.active',
] as const;

/** One GPU metric of one GPU in one bucket (per remaining attribute set `detail`). */
export interface GpuBucketRow {
  bucketMs: number;
  host: string;
  gpu: string;
  gpuName: string;
  metric: string;
  detail: string;
  sum: number;
  count: number;
}

/** One inference span of a trace. */
export interface TraceInference {
  timeMs: number;
  spanId: string;
  model: string;
  service: string;
  host: string;
  durationMs: number;
  ttftMs: number | null;
  error: boolean;
}

/** Creates the GPU join's reads. */
export function createGpuRepo(db: Db) {
  return {
    /** Hosts (node name, else host.name) that served the model/service in `[fromMs, toMs)`, busiest first. */
    async servingHosts(
      project: string,
      range: { fromMs: number; toMs: number },
      filter: Pick<InferenceFilter, 'model' | 'service'>,
    ): Promise<string[]> {
      const rows = await db.rows<{ host: string }>(
        `SELECT host FROM ${db.table('aiobs_model_hosts_1h')}
         WHERE project_id = {project:String}
           AND ts >= toStartOfHour(fromUnixTimestamp64Milli({fromMs:Int64}), 'UTC')
           AND ts < fromUnixTimestamp64Milli({toMs:Int64})
           AND ({model:String} = '' OR model = {model:String})
           AND ({service:String} = '' OR service = {service:String})
         GROUP BY host ORDER BY sum(requests) DESC, host LIMIT 100`,
        {
          project,
          fromMs: range.fromMs,
          toMs: range.toMs,
          model: filter.model ?? '',
          service: filter.service ?? '',
        },
      );
      return rows.map((r) => r.host);
    },

    /** The inference spans of one trace (searched within `range`). */
    async traceInferences(
      project: string,
      traceId: string,
      range: { fromMs: number; toMs: number },
    ): Promise<TraceInference[]> {
      const rows = await db.rows<Record<string, unknown>>(
        `SELECT toUnixTimestamp64Milli(time) AS time_ms, span_id, model, service,
           if(k8s_node_name != '', k8s_node_name, host_name) AS host, duration_ms, ttft_ms, is_error
         FROM ${db.table('aiobs_inferences')}
         WHERE project_id = {project:String} AND trace_id = {traceId:String}
           AND time >= fromUnixTimestamp64Milli({fromMs:Int64})
           AND time < fromUnixTimestamp64Milli({toMs:Int64})
         ORDER BY time LIMIT 1000`,
        { project, traceId, fromMs: range.fromMs, toMs: range.toMs },
      );
      return rows.map((r) => ({
        timeMs: Number(r.time_ms),
        spanId: String(r.span_id),
        model: String(r.model),
        service: String(r.service),
        host: String(r.host),
        durationMs: Number(r.duration_ms),
        ttftMs: r.ttft_ms === null ? null : Number(r.ttft_ms),
        error: Number(r.is_error) === 1,
      }));
    },

    /** Per-bucket sums and counts of the GPU metrics of `hosts`' GPUs. */
    async gpuBuckets(
      project: string,
      range: { fromMs: number; toMs: number },
      stepMs: number,
      hosts: readonly string[],
    ): Promise<GpuBucketRow[]> {
      if (hosts.length === 0) return [];
      const rows = await db.rows<Record<string, unknown>>(
        `SELECT intDiv(toInt64(toUnixTimestamp(ts)) * 1000, {stepMs:Int64}) * {stepMs:Int64} AS bucket_ms,
           host, gpu, anyLast(gpu_name) AS gpu_name, metric, detail,
           sum(value_sum) AS s, sum(value_count) AS n
         FROM ${db.table('aiobs_host_metrics_1m')}
         WHERE project_id = {project:String} AND host IN {hosts:Array(String)} AND gpu != ''
           AND metric IN {metrics:Array(String)}
           AND ts >= toDateTime(intDiv({fromMs:Int64}, 1000))
           AND ts < toDateTime(intDiv({toMs:Int64}, 1000))
         GROUP BY bucket_ms, host, gpu, metric, detail
         ORDER BY host, gpu, bucket_ms`,
        {
          project,
          hosts: [...hosts],
          metrics: [...GPU_METRICS],
          stepMs,
          fromMs: range.fromMs,
          toMs: range.toMs,
        },
      );
      return rows.map((r) => ({
        bucketMs: Number(r.bucket_ms),
        host: String(r.host),
        gpu: String(r.gpu),
        gpuName: String(r.gpu_name),
        metric: String(r.metric),
        detail: String(r.detail),
        sum: Number(r.s),
        count: Number(r.n),
      }));
    },
  };
}

/** The GPU join's repository. */
export type GpuRepo = ReturnType<typeof createGpuRepo>;
