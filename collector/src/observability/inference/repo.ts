import { COST, fromWithPrices, LEVEL_SQL } from '../../models/sql.js';
import type { Db } from '../../storage/db.js';
import type { GpuUtilization, InferenceTotals } from './families.js';

/**
 * The two reads behind `/metrics/inference`, rollups only (never raw spans): totals per
 * rollup key from the hourly inference rollup, and the latest minute of each GPU's
 * utilization from the host-metrics rollup. Every value is a bound parameter.
 */

/** Most series one scrape returns per read (a bound on a runaway label set). */
export const MAX_SERIES = 10_000;

/** How far back a GPU's latest minute may lie and still be reported (then it disappears). */
export const GPU_FRESH_MS = 5 * 60_000;

interface TotalsRow {
  service: string;
  model: string;
  version: string;
  variant: string;
  provider: string;
  operation: string;
  t_requests: string | number;
  t_errors: string | number;
  t_streams: string | number;
  t_input_tokens: string | number;
  t_output_tokens: string | number;
  t_cost_usd: number;
  t_duration_ms_sum: number;
  t_latency_le: (string | number)[];
  t_ttft_le: (string | number)[];
}

/** Creates the reads. */
export function createInferenceMetricsRepo(db: Db) {
  const hourly = LEVEL_SQL['1h'];
  return {
    /**
     * Totals per (service, model, version, variant, provider, operation) of the rows whose
     * hour starts at or after `sinceMs`. The hourly rollup is written in the same insert as
     * the minute rollup (a view chained on it), so it is as fresh and has fewer rows.
     * Cost is the token cost at the price in force (sql.ts COST; GPU-hour cost is not
     * apportioned here).
     */
    async totals(project: string, sinceMs: number): Promise<InferenceTotals[]> {
      const rows = await db.rows<TotalsRow>(
        `SELECT service, model, version, variant, provider, operation,
           sum(requests) AS t_requests, sum(errors) AS t_errors, sum(streams) AS t_streams,
           sum(input_tokens) AS t_input_tokens, sum(output_tokens) AS t_output_tokens,
           ${COST} AS t_cost_usd, sum(duration_ms_sum) AS t_duration_ms_sum,
           sumForEachMerge(latency_le) AS t_latency_le, sumForEachMerge(ttft_le) AS t_ttft_le
         FROM ${fromWithPrices(hourly, db.table)}
         WHERE project_id = {project:String} AND ts >= toDateTime(intDiv({sinceMs:Int64}, 1000))
         GROUP BY service, model, version, variant, provider, operation
         ORDER BY service, model, version, variant, provider, operation
         LIMIT {limit:UInt32}`,
        { project, sinceMs, limit: MAX_SERIES },
      );
      return rows.map((r) => ({
        service: r.service,
        model: r.model,
        version: r.version,
        variant: r.variant,
        provider: r.provider,
        operation: r.operation,
        requests: Number(r.t_requests),
        errors: Number(r.t_errors),
        streams: Number(r.t_streams),
        inputTokens: Number(r.t_input_tokens),
        outputTokens: Number(r.t_output_tokens),
        costUsd: Number(r.t_cost_usd),
        durationMsSum: Number(r.t_duration_ms_sum),
        latencyLe: (r.t_latency_le ?? []).map(Number),
        ttftLe: (r.t_ttft_le ?? []).map(Number),
      }));
    },

    /**
     * Per host, GPU and `hw.gpu.task` (empty reads as 'general', as the agent sends it):
     * the mean utilization of the latest minute at or after `sinceMs`.
     */
    async gpuUtilization(project: string, sinceMs: number): Promise<GpuUtilization[]> {
      const rows = await db.rows<{
        host: string;
        gpu: string;
        gpu_name: string;
        task: string;
        value: number;
      }>(
        `SELECT host, gpu, task, argMax(name, ts) AS gpu_name, argMax(v, ts) AS value
         FROM (
           SELECT host, gpu, ts, anyLast(gpu_name) AS name,
             if(JSONExtractString(detail, 'hw.gpu.task') = '', 'general',
                JSONExtractString(detail, 'hw.gpu.task')) AS task,
             sum(value_sum) / sum(value_count) AS v
           FROM ${db.table('aiobs_host_metrics_1m')}
           WHERE project_id = {project:String} AND metric = 'hw.gpu.utilization' AND gpu != ''
             AND ts >= toDateTime(intDiv({sinceMs:Int64}, 1000))
           GROUP BY host, gpu, task, ts
           HAVING sum(value_count) > 0
         )
         GROUP BY host, gpu, task ORDER BY host, gpu, task LIMIT {limit:UInt32}`,
        { project, sinceMs, limit: MAX_SERIES },
      );
      return rows.map((r) => ({
        host: r.host,
        gpu: r.gpu,
        gpuName: r.gpu_name,
        task: r.task,
        value: Number(r.value),
      }));
    },
  };
}

/** The reads of `/metrics/inference`. */
export type InferenceMetricsRepo = ReturnType<typeof createInferenceMetricsRepo>;
