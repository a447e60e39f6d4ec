import type { Db } from '../storage/db.js';
import {
  type GpuRate,
  gpuCostByModel,
  type HostGpuMinutes,
  hostHourKey,
  type ServedRequests,
} from './prices-gpu.js';
import { priceListOf } from './sql.js';

/**
 * The reads behind GPU-hour pricing (prices-gpu.ts holds the rule): the GPU-hour rates of
 * the price list in force, the GPU-minutes per host hour from the agent's rollups, and the
 * requests per model, host and hour from the model->host map.
 */

/** Agent metric whose samples count a GPU as present in a minute (one per GPU per scrape). */
const PRESENCE_METRIC = 'hw.gpu.utilization';

/** Creates the GPU-hour cost reads. */
export function createGpuCostRepo(db: Db) {
  const prices = db.table('aiobs_prices');
  return {
    /** GPU-hour rates of the project's price list (usually none: one small read). */
    async rates(project: string): Promise<GpuRate[]> {
      const rows = await db.rows<{ model: string; effective_from: string; gpu_hour_usd: number }>(
        `SELECT model, toString(effective_from) AS effective_from, gpu_hour_usd FROM ${prices}
         WHERE ${priceListOf(prices)} AND gpu_hour_usd > 0
         ORDER BY model, effective_from`,
        { project },
      );
      return rows.map((r) => ({
        model: r.model,
        effectiveFrom: r.effective_from,
        gpuHourUsd: Number(r.gpu_hour_usd),
      }));
    },

    /**
     * USD of GPU time per model in `models` over `[fromMs, toMs)` (GPU-minutes whose minute
     * starts in the range; shares from the whole hours the range touches), counting only `service`'s
     * requests as the model's own when given.
     */
    async costByModel(
      project: string,
      range: { fromMs: number; toMs: number },
      models: readonly string[],
      rates: readonly GpuRate[],
      service?: string,
    ): Promise<Map<string, number>> {
      if (models.length === 0 || rates.length === 0) return new Map();
      const params = {
        project,
        fromMs: range.fromMs,
        toMs: range.toMs,
        models: [...models],
        service: service ?? '',
        metric: PRESENCE_METRIC,
      };
      const hoursRange = `project_id = {project:String}
           AND ts >= toStartOfHour(fromUnixTimestamp64Milli({fromMs:Int64}), 'UTC')
           AND ts < fromUnixTimestamp64Milli({toMs:Int64})`;
      const hostsOfModels = `SELECT DISTINCT host FROM ${db.table('aiobs_model_hosts_1h')}
           WHERE ${hoursRange} AND model IN {models:Array(String)}`;
      const [served, gpu] = await Promise.all([
        db.rows<{ model: string; host: string; hour_ms: string; own: string; host_all: string }>(
          `SELECT model, host, toInt64(toUnixTimestamp(ts)) * 1000 AS hour_ms,
             sumIf(requests, model IN {models:Array(String)}
               AND ({service:String} = '' OR service = {service:String})) AS own,
             sum(requests) AS host_all
           FROM ${db.table('aiobs_model_hosts_1h')}
           WHERE ${hoursRange} AND host IN (${hostsOfModels})
           GROUP BY model, host, hour_ms`,
          params,
        ),
        db.rows<{ host: string; hour_ms: string; gpu_minutes: string }>(
          `SELECT host, intDiv(toInt64(toUnixTimestamp(ts)), 3600) * 3600000 AS hour_ms,
             uniqExact(gpu, ts) AS gpu_minutes
           FROM ${db.table('aiobs_host_metrics_1m')}
           WHERE project_id = {project:String} AND gpu != '' AND metric = {metric:String}
             AND ts >= toDateTime(intDiv({fromMs:Int64}, 1000))
             AND ts < toDateTime(intDiv({toMs:Int64}, 1000))
             AND host IN (${hostsOfModels})
           GROUP BY host, hour_ms`,
          params,
        ),
      ]);
      const totals = new Map<string, number>();
      const own: ServedRequests[] = [];
      for (const r of served) {
        const hourMs = Number(r.hour_ms);
        const k = hostHourKey(r.host, hourMs);
        totals.set(k, (totals.get(k) ?? 0) + Number(r.host_all));
        if (Number(r.own) > 0)
          own.push({ model: r.model, host: r.host, hourMs, requests: Number(r.own) });
      }
      const minutes: HostGpuMinutes[] = gpu.map((g) => ({
        host: g.host,
        hourMs: Number(g.hour_ms),
        gpuMinutes: Number(g.gpu_minutes),
      }));
      return gpuCostByModel(minutes, own, totals, rates);
    },
  };
}

/** The GPU-hour cost reads. */
export type GpuCostRepo = ReturnType<typeof createGpuCostRepo>;
