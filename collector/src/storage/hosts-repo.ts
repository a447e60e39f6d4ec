import type { Db } from './db.js';
import { VALUE_AGGS } from './metrics-repo.js';
import type { TimeRange } from './types.js';

/** Attributes that identify a GPU rather than describe a sample. */
export const GPU_IDENTITY = ['hw.id', 'hw.name', 'hw.vendor', 'hw.model', 'hw.type'];

const IDENTITY_SQL = `mapFilter((k, v) -> k NOT IN (${GPU_IDENTITY.map((k) => `'${k}'`).join(', ')}), Attributes)`;

/** The latest value of one metric and attribute set on a host (or GPU). */
export interface LatestRow {
  host: string;
  gpu: string;
  gpu_name: string;
  gpu_vendor: string;
  gpu_model: string;
  name: string;
  unit: string;
  attrs: Record<string, string>;
  value: number;
  time_ns: string;
}

/** One bucket of a GPU metric series. */
export interface GpuSeriesRow {
  t: number | string;
  host: string;
  gpu: string;
  gpu_name: string;
  attrs: Record<string, string>;
  v: number;
}

/** Gauge and sum points together: host and GPU metrics come as both. */
function points(db: Db): string {
  const cols = 'ProjectId, ResourceAttributes, MetricName, MetricUnit, Attributes, TimeUnix, Value';
  return `(SELECT ${cols} FROM ${db.table('otel_metrics_gauge')} UNION ALL SELECT ${cols} FROM ${db.table('otel_metrics_sum')})`;
}

const RANGE = `ProjectId = {project:String} AND TimeUnix >= fromUnixTimestamp64Milli({from:Int64})
  AND TimeUnix <= fromUnixTimestamp64Milli({to:Int64}) AND ResourceAttributes['host.name'] != ''`;

/** Reads what the agent reports: host metrics (`system.*`) and GPU metrics (`hw.*`, `aiobs.gpu.*`). */
export function createHostsRepo(db: Db) {
  return {
    /**
     * Latest `system.*` values per host, metric and attribute set, plus one row per host and
     * GPU id (`attrs` `{"hw.id": id}`, no name or value) with the time of that GPU's last
     * report: hosts list only `system.*` metrics, and their GPU metrics count only for the
     * host's last report and its GPUs. Grouped by GPU id, not by every GPU metric and
     * attribute set, that part groups 48 rows instead of 200 at 16 hosts (a third less CPU).
     */
    async latestHostMetrics(project: string, range: TimeRange): Promise<LatestRow[]> {
      return db.rows<LatestRow>(
        `SELECT * FROM (
           SELECT ResourceAttributes['host.name'] AS host, '' AS gpu, '' AS gpu_name, '' AS gpu_vendor, '' AS gpu_model,
                  MetricName AS name, any(MetricUnit) AS unit, Attributes AS attrs,
                  argMax(Value, TimeUnix) AS value, toString(max(toUnixTimestamp64Nano(TimeUnix))) AS time_ns
           FROM ${points(db)}
           WHERE ${RANGE} AND startsWith(MetricName, 'system.')
           GROUP BY host, name, attrs
           UNION ALL
           SELECT ResourceAttributes['host.name'] AS host, '' AS gpu, '' AS gpu_name, '' AS gpu_vendor, '' AS gpu_model,
                  '' AS name, '' AS unit, map('hw.id', Attributes['hw.id']) AS attrs,
                  0 AS value, toString(max(toUnixTimestamp64Nano(TimeUnix))) AS time_ns
           FROM ${points(db)}
           WHERE ${RANGE} AND (startsWith(MetricName, 'hw.') OR startsWith(MetricName, 'aiobs.gpu.'))
           GROUP BY host, Attributes['hw.id'])
         ORDER BY host, name`,
        { project, from: range.fromMs, to: range.toMs },
      );
    },

    /** Latest GPU values per host, GPU (`hw.id`), metric and remaining attributes. */
    async latestGpuMetrics(project: string, range: TimeRange, host?: string): Promise<LatestRow[]> {
      return db.rows<LatestRow>(
        `SELECT ResourceAttributes['host.name'] AS host, Attributes['hw.id'] AS gpu,
                argMax(Attributes['hw.name'], TimeUnix) AS gpu_name, argMax(Attributes['hw.vendor'], TimeUnix) AS gpu_vendor,
                argMax(Attributes['hw.model'], TimeUnix) AS gpu_model,
                MetricName AS name, any(MetricUnit) AS unit, ${IDENTITY_SQL} AS attrs,
                argMax(Value, TimeUnix) AS value, toString(max(toUnixTimestamp64Nano(TimeUnix))) AS time_ns
         FROM ${points(db)}
         WHERE ${RANGE} AND Attributes['hw.id'] != ''
           AND (startsWith(MetricName, 'hw.') OR startsWith(MetricName, 'aiobs.gpu.'))
           AND ({host:String} = '' OR ResourceAttributes['host.name'] = {host:String})
         GROUP BY host, gpu, name, attrs
         ORDER BY host, gpu, name`,
        { project, from: range.fromMs, to: range.toMs, host: host ?? '' },
      );
    },

    /** One GPU metric per time bucket, per host, GPU and remaining attribute set. */
    async gpuSeries(
      project: string,
      range: TimeRange,
      metric: string,
      stepMs: number,
      agg: string,
      filter: { host?: string; gpu?: string },
    ): Promise<GpuSeriesRow[]> {
      return db.rows<GpuSeriesRow>(
        `SELECT intDiv(toUnixTimestamp64Milli(TimeUnix), {step:UInt64}) * {step:UInt64} AS t,
                ResourceAttributes['host.name'] AS host, Attributes['hw.id'] AS gpu,
                any(Attributes['hw.name']) AS gpu_name, ${IDENTITY_SQL} AS attrs, ${VALUE_AGGS[agg]} AS v
         FROM ${points(db)}
         WHERE ${RANGE} AND MetricName = {metric:String} AND Attributes['hw.id'] != ''
           AND ({host:String} = '' OR ResourceAttributes['host.name'] = {host:String})
           AND ({gpu:String} = '' OR Attributes['hw.id'] = {gpu:String})
         GROUP BY t, host, gpu, attrs
         ORDER BY host, gpu, t`,
        {
          project,
          from: range.fromMs,
          to: range.toMs,
          metric,
          step: stepMs,
          host: filter.host ?? '',
          gpu: filter.gpu ?? '',
        },
      );
    },
  };
}

/** The repository's interface. */
export type HostsRepo = ReturnType<typeof createHostsRepo>;

/** The aggregations `gpuSeries` accepts. */
export const GPU_SERIES_AGGS = Object.keys(VALUE_AGGS);
