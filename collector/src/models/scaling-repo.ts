import type { Db } from '../storage/db.js';

/** Reads for the autoscaling signals that are not inference figures: queue depth. */
export function createScalingRepo(db: Db) {
  return {
    /**
     * Requests waiting now for a model or service: the latest `aiobs.inference.queue.depth`
     * of each reporting series (service instance and attribute set) within the window,
     * summed over the series, so replicas add up. 0 when nothing reported.
     */
    async queueDepth(
      project: string,
      range: { fromMs: number; toMs: number },
      filter: { model?: string; service?: string },
    ): Promise<number> {
      const rows = await db.rows<{ depth: number | null }>(
        `SELECT sum(latest) AS depth FROM (
           SELECT argMax(Value, TimeUnix) AS latest
           FROM ${db.table('otel_metrics_gauge')}
           WHERE ProjectId = {project:String} AND MetricName = 'aiobs.inference.queue.depth'
             AND TimeUnix >= fromUnixTimestamp64Milli({fromMs:Int64})
             AND TimeUnix < fromUnixTimestamp64Milli({toMs:Int64})
             AND ({service:String} = '' OR ServiceName = {service:String})
             AND ({model:String} = '' OR Attributes['gen_ai.request.model'] = {model:String})
           GROUP BY ServiceName, ResourceAttributes['service.instance.id'], Attributes)`,
        {
          project,
          fromMs: range.fromMs,
          toMs: range.toMs,
          model: filter.model ?? '',
          service: filter.service ?? '',
        },
      );
      const d = Number(rows[0]?.depth ?? 0);
      return Number.isFinite(d) ? d : 0;
    },
  };
}

/** The scaling repository. */
export type ScalingRepo = ReturnType<typeof createScalingRepo>;
