import type { QualityWindowsQuery } from '../drift/ranking.js';
import { MAX_TIME_MS } from '../query/params.js';
import type { LabelledTables, LiveJoin } from './labelled-sql.js';
import {
  filterParams,
  labelledPredictions,
  type QualityFilter,
  type QualityParams,
} from './quality-sql.js';

/**
 * The SQL of the per-bucket quality the drift ranking correlates with (ranking.ts): rows
 * `(bucket, n, value)`, `bucket` the Unix ms start on the `{stepMs}` grid. Pure text,
 * parameters bound by the repository.
 */

/**
 * Error rate per bucket from the per-minute inference rollups (`stepMs` a multiple of a
 * minute): errors / requests, buckets without requests absent.
 */
export function errorRateSql(table: string, q: QualityWindowsQuery): string {
  return `SELECT intDiv(toUnixTimestamp(ts) * 1000, {stepMs:Int64}) * {stepMs:Int64} AS bucket,
      sum(requests) AS n, sum(errors) / sum(requests) AS value
    FROM ${table}
    WHERE project_id = {project:String} AND model = {model:String}
      AND ts >= toDateTime(intDiv({fromMs:Int64}, 1000)) AND ts < toDateTime(intDiv({toMs:Int64}, 1000))
      ${q.version !== undefined ? 'AND version = {version:String}' : ''}
      ${q.variant !== undefined ? 'AND variant = {variant:String}' : ''}
    GROUP BY bucket HAVING n > 0 ORDER BY bucket`;
}

/** The filter and parameters of {@link accuracySql}, as models/quality-sql.ts takes them. */
export function accuracyParams(q: QualityWindowsQuery): {
  filter: QualityFilter;
  params: QualityParams;
} {
  const filter: QualityFilter = {};
  if (q.version !== undefined) filter.version = q.version;
  if (q.variant !== undefined) filter.variant = q.variant;
  return {
    filter,
    params: {
      project: q.project,
      model: q.model,
      fromMs: q.fromMs,
      toMs: q.toMs,
      stepMs: q.stepMs,
      delayMs: q.labelDelayMs,
      fbFromMs: Math.max(0, q.fromMs - q.labelDelayMs),
      fbToMs: Math.min(MAX_TIME_MS, q.toMs + q.labelDelayMs),
      ...filterParams(filter),
    },
  };
}

/**
 * Accuracy per bucket from feedback, as `GET /api/v1/models/quality` defines it (the share
 * of labelled predictions judged correct, feedback within the label delay): buckets
 * without a judged prediction absent. `live`: how unresolved feedback is joined at query
 * time (labelled-sql.ts).
 */
export function accuracySql(tables: LabelledTables, filter: QualityFilter, live: LiveJoin): string {
  return `SELECT bucket, count(ok) AS n, sum(ok) / count(ok) AS value
    FROM (${labelledPredictions({ tables, groupBy: 'version', filter, live })})
    GROUP BY bucket HAVING n > 0 ORDER BY bucket`;
}
