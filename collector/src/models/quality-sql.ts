/**
 * The SQL of model quality from feedback (docs/models.md, "Quality from feedback"). Pure
 * text: every value is bound as a `{name:Type}` parameter by the repository.
 *
 * Feedback names no model: it is matched with the inference rows by prediction id
 * (labelled-sql.ts: the labelled rows written when feedback arrives, the rest joined at
 * query time). A feedback row counts for a prediction when it was recorded no later than
 * the label delay after the prediction; of several, the latest value of each field wins (a
 * correction overrides). Prediction outputs (`aiobs.prediction.label|value|score`) come
 * from the typed feature rows of the same span.
 */
import { type LabelledTables, type LiveJoin, labelledSql } from './labelled-sql.js';

/** Which predictions a quality query covers. */
export interface QualityQuery {
  /** Qualified table names. */
  tables: LabelledTables;
  /** Column a row is grouped by: `version` or `variant`. */
  groupBy: 'version' | 'variant';
  /** Dimensions the inferences must have (bound as `f_<dimension>`). */
  filter?: QualityFilter;
  /** How unresolved feedback is joined at query time (labelled-sql.ts; default by subquery). */
  live?: LiveJoin;
}

/** Dimension columns of the inference rows a quality query may filter on. */
export const QUALITY_FILTERS = ['version', 'variant', 'service', 'provider', 'operation'] as const;

/** Values the inferences must have, per dimension. */
export type QualityFilter = Partial<Record<(typeof QUALITY_FILTERS)[number], string>>;

/** The bound parameters of a filter (`f_version`, ...). */
export function filterParams(filter: QualityFilter | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of QUALITY_FILTERS) {
    const v = filter?.[d];
    if (v !== undefined) out[`f_${d}`] = v;
  }
  return out;
}

/**
 * Bound parameters every quality query takes: `project`, `model`, `fromMs`, `toMs` (the
 * predictions' range), `stepMs`, `delayMs`, `fbFromMs`, `fbToMs` (the feedback scanned), and
 * the filter's `f_<dimension>` ({@link filterParams}).
 */
export interface QualityParams {
  project: string;
  model: string;
  fromMs: number;
  toMs: number;
  stepMs: number;
  delayMs: number;
  fbFromMs: number;
  fbToMs: number;
  /** The unresolved prediction ids, when `live` is `ids`. */
  unresolved?: string[];
  [filter: `f_${string}`]: string;
}

const msTime = (p: string) => `fromUnixTimestamp64Milli({${p}:Int64})`;

/** Conditions on the inference rows of the query (shared with the labelled rows). */
function inferenceWhere(q: QualityQuery): string {
  const conds = [
    'project_id = {project:String}',
    'model = {model:String}',
    `time >= ${msTime('fromMs')}`,
    `time < ${msTime('toMs')}`,
    "prediction_id != ''",
  ];
  for (const d of QUALITY_FILTERS)
    if (q.filter?.[d] !== undefined) conds.push(`${d} = {f_${d}:String}`);
  return conds.join(' AND ');
}

const BUCKET = 'intDiv(toUnixTimestamp64Milli(time), {stepMs:Int64}) * {stepMs:Int64}';

/**
 * One row per labelled prediction: group `g`, bucket, the latest feedback fields within
 * the label delay, and the prediction's outputs (labelled-sql.ts). `p_lab` is the
 * predicted label (the label output, else a categorical value output); `ok` the
 * correctness: `correct` when sent, else whether the predicted label equals the true one,
 * else NULL.
 */
export function labelledPredictions(q: QualityQuery): string {
  return labelledSql({
    tables: q.tables,
    group: q.groupBy,
    arrayJoin: '',
    where: inferenceWhere(q),
    bucket: BUCKET,
    live: q.live ?? 'query',
  });
}

/** Predictions (inferences with an id) per group and bucket. */
export function predictionCountsSql(q: QualityQuery): string {
  return `SELECT ${q.groupBy} AS g, ${BUCKET} AS bucket, count() AS predictions
    FROM ${q.tables.inferences} WHERE ${inferenceWhere(q)}
    GROUP BY g, bucket ORDER BY g, bucket`;
}

/**
 * Sums per group, bucket and reliability bin of the score (`bin` −1: no score in [0, 1] or
 * no known correctness): labelled, judged, correct, regression errors, feedback ratings,
 * and the bin's Σ score, Σ score², Σ score·correct.
 */
export function qualitySumsSql(q: QualityQuery): string {
  const reg = 'isNotNull(p_value) AND isNotNull(t_value)';
  return `SELECT g, bucket,
      if(isNotNull(ok) AND isNotNull(p_score) AND p_score >= 0 AND p_score <= 1,
         least(toInt32(floor(p_score * 10)), 9), -1) AS bin,
      count() AS labelled, count(ok) AS judged, sum(ok) AS correct,
      countIf(${reg}) AS regressed,
      sumIf(abs(p_value - t_value), ${reg}) AS abs_err,
      sumIf((p_value - t_value) * (p_value - t_value), ${reg}) AS sq_err,
      sumIf(p_value - t_value, ${reg}) AS err,
      count(t_score) AS rated, sum(t_score) AS rating_sum,
      sumIf(p_score, bin >= 0) AS s_sum, sumIf(p_score * p_score, bin >= 0) AS s2_sum,
      sumIf(p_score * ok, bin >= 0) AS sy_sum
    FROM (${labelledPredictions(q)})
    GROUP BY g, bucket, bin ORDER BY g, bucket, bin`;
}

/** Confusion counts per group and bucket: true label × predicted label. */
export function confusionSql(q: QualityQuery): string {
  return `SELECT g, bucket, t_label, p_lab, count() AS n
    FROM (${labelledPredictions(q)})
    WHERE isNotNull(t_label) AND isNotNull(p_lab)
    GROUP BY g, bucket, t_label, p_lab ORDER BY g, bucket, t_label, p_lab`;
}
