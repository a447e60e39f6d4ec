import type { SignalContext, SignalSample } from '../contract.js';
import { type Grid, gridParams, numberLiteral, pointsOfRow, rowsRange } from './grid.js';
import type { SignalFilters } from './schema.js';
import { metricWhere } from './where.js';

/**
 * Stored metrics by name (`metric`, `queueDepth`, and `absence` of a metric): the raw data
 * points of otel_metrics_gauge and otel_metrics_sum in the window, one query per grid.
 * The tables are ordered by (project, service, metric name, attributes, time), so a read
 * touches the metric's rows of the window only (a `service` filter narrows it further).
 *
 * Points are folded as stored: `sum` adds the values, `last` takes the newest, `pNN`
 * interpolates linearly between the closest ranks (ClickHouse's quantileExactInclusive,
 * numpy's default). A cumulative counter's `sum` is therefore not a rate.
 */

/** A fold of data point values. */
export type MetricAggregation = string;

/** The SQL fold of `Value` for an aggregation accepted by the schema. */
function foldSql(aggregation: MetricAggregation): string {
  switch (aggregation) {
    case 'avg':
      return 'avg(Value)';
    case 'max':
      return 'max(Value)';
    case 'min':
      return 'min(Value)';
    case 'sum':
      return 'sum(Value)';
    case 'last':
      return 'argMax(Value, TimeUnix)';
    default: {
      const q = Number(aggregation.slice(1)) / 100;
      return `quantileExactInclusive(${numberLiteral(q)})(Value)`;
    }
  }
}

/** The points of `metric` matching the filters, folded per grid point; `count` how many. */
export async function metricPoints(
  ctx: SignalContext,
  metric: string,
  filters: SignalFilters,
  aggregation: MetricAggregation,
  windowMs: number,
  grid: Grid,
): Promise<SignalSample[]> {
  const range = rowsRange(grid, windowMs, 'raw');
  const w = metricWhere(ctx.project, metric, filters, range);
  const cols = 'TimeUnix, Value';
  const rows = await ctx.db.rows<{ k: number | string; v: number | null; n: number | string }>(
    `SELECT arrayJoin(${pointsOfRow('toUnixTimestamp64Milli(TimeUnix)')}) AS k,
       ${foldSql(aggregation)} AS v, count() AS n
     FROM (
       SELECT ${cols} FROM ${ctx.db.table('otel_metrics_gauge')} WHERE ${w.sql}
       UNION ALL
       SELECT ${cols} FROM ${ctx.db.table('otel_metrics_sum')} WHERE ${w.sql}
     )
     GROUP BY k ORDER BY k`,
    { ...w.params, ...gridParams(grid, windowMs, 'raw') },
  );
  const byK = new Map(rows.map((r) => [Number(r.k), r]));
  return Array.from({ length: grid.n }, (_, k) => {
    const r = byK.get(k);
    const n = r ? Number(r.n) : 0;
    const value = n > 0 && r?.v !== null && r?.v !== undefined ? Number(r.v) : null;
    return { value, details: { points: n } };
  });
}

/** The metric the `queueDepth` kind reads (SDK `recordQueueDepth`, inference servers). */
export const QUEUE_DEPTH_METRIC = 'aiobs.inference.queue.depth';
