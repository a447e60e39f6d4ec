import type { Level } from '../../models/rollup-level.js';
import { DIMENSIONS } from '../../models/sql.js';
import { attributeConditions, type Db, type Params } from '../../storage/db.js';
import type { SignalFilters } from './schema.js';

/**
 * `WHERE` clauses of the signals' reads, every value bound as a parameter. Pure text.
 */

/** Host key of a raw inference row: the Kubernetes node name, else host.name (as the GPU join). */
export const HOST_KEY = "if(k8s_node_name != '', k8s_node_name, host_name)";

/** Time condition on a level's rows, `[{lo}, {hi})` (parameter names as given). */
export function levelRange(level: Level, lo = 'lo', hi = 'hi'): string {
  return level === 'raw'
    ? `time >= fromUnixTimestamp64Milli({${lo}:Int64}) AND time < fromUnixTimestamp64Milli({${hi}:Int64})`
    : `ts >= toDateTime(intDiv({${lo}:Int64}, 1000)) AND ts < toDateTime(intDiv({${hi}:Int64}, 1000))`;
}

/** Start of a level's row in Unix ms, Int64. */
export function levelTsMs(level: Level): string {
  return level === 'raw' ? 'toUnixTimestamp64Milli(time)' : 'toInt64(toUnixTimestamp(ts)) * 1000';
}

/** Whether the filters need the raw inference rows (rollups have neither host nor attributes). */
export function needsRaw(f: SignalFilters): boolean {
  return (
    f.host !== undefined || (f.attributes !== undefined && Object.keys(f.attributes).length > 0)
  );
}

/**
 * Conditions on inference rows (raw or rollup) for the project, `[lo, hi)` and the filters.
 * Attributes are matched on the spans themselves (otel_traces, same window), so only the
 * raw level takes them.
 */
export function inferenceWhere(
  db: Db,
  project: string,
  f: SignalFilters,
  level: Level,
  range: { fromMs: number; toMs: number },
  /** Names of the range's parameters, when the query has another range too. */
  names: { lo: string; hi: string } = { lo: 'lo', hi: 'hi' },
): { sql: string; params: Params } {
  const { lo, hi } = names;
  const params: Params = { project, [lo]: range.fromMs, [hi]: range.toMs };
  const conds = ['project_id = {project:String}', levelRange(level, lo, hi)];
  for (const d of DIMENSIONS) {
    const v = f[d];
    if (v === undefined) continue;
    params[`f_${d}`] = v;
    conds.push(`${d} = {f_${d}:String}`);
  }
  if (needsRaw(f) && level !== 'raw') throw new Error('host and attribute filters need raw rows');
  if (f.host !== undefined) {
    params.f_host = f.host;
    conds.push(`${HOST_KEY} = {f_host:String}`);
  }
  const attrs = Object.entries(f.attributes ?? {});
  if (attrs.length > 0) {
    const spanConds = attributeConditions('SpanAttributes', attrs, params);
    conds.push(`(trace_id, span_id) IN (
      SELECT TraceId, SpanId FROM ${db.table('otel_traces')}
      WHERE ProjectId = {project:String}
        AND Timestamp >= fromUnixTimestamp64Milli({${lo}:Int64})
        AND Timestamp < fromUnixTimestamp64Milli({${hi}:Int64})
        AND ${spanConds.join(' AND ')})`);
  }
  return { sql: conds.join(' AND '), params };
}

/** The OTel attribute key each dimension filter matches on metric data points. */
const METRIC_ATTRIBUTE: Record<(typeof DIMENSIONS)[number], string> = {
  model: 'gen_ai.request.model',
  version: 'aiobs.model.version',
  variant: 'aiobs.deployment.variant',
  service: '',
  provider: 'gen_ai.provider.name',
  operation: 'gen_ai.operation.name',
};

/**
 * Conditions on raw metric points (otel_metrics_gauge/sum) of `metric` in `[lo, hi)`:
 * service is the ServiceName, host the resource's node or host name, gpu `hw.id`, the other
 * dimensions their GenAI/aiobs attribute, attributes the point's own.
 */
export function metricWhere(
  project: string,
  metric: string,
  f: SignalFilters,
  range: { fromMs: number; toMs: number },
): { sql: string; params: Params } {
  const params: Params = { project, metric, lo: range.fromMs, hi: range.toMs };
  const conds = [
    'ProjectId = {project:String}',
    'MetricName = {metric:String}',
    'TimeUnix >= fromUnixTimestamp64Milli({lo:Int64})',
    'TimeUnix < fromUnixTimestamp64Milli({hi:Int64})',
  ];
  const attrs: [string, string][] = Object.entries(f.attributes ?? {});
  for (const d of DIMENSIONS) {
    const v = f[d];
    if (v === undefined) continue;
    if (d === 'service') {
      params.f_service = v;
      conds.push('ServiceName = {f_service:String}');
    } else attrs.push([METRIC_ATTRIBUTE[d], v]);
  }
  if (f.gpu !== undefined) attrs.push(['hw.id', f.gpu]);
  if (f.host !== undefined) {
    params.f_host = f.host;
    conds.push(
      "if(ResourceAttributes['k8s.node.name'] != '', ResourceAttributes['k8s.node.name'], ResourceAttributes['host.name']) = {f_host:String}",
    );
  }
  conds.push(...attributeConditions('Attributes', attrs, params));
  return { sql: conds.join(' AND '), params };
}
