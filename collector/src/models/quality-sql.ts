/**
 * The SQL of model quality from feedback (docs/models.md, "Quality from feedback"). Pure
 * text: every value is bound as a `{name:Type}` parameter by the repository.
 *
 * Feedback names no model: it is joined to the inference rows by prediction id here, at
 * query time. A feedback row counts for a prediction when it was recorded no later than the
 * label delay after the prediction; of several, the latest value of each field wins (a
 * correction overrides). Prediction outputs (`aiobs.prediction.label|value|score`) come
 * from the typed feature rows of the same span.
 */

/** Which predictions a quality query covers. */
export interface QualityQuery {
  /** Qualified table names. */
  tables: { inferences: string; feedback: string; features: string };
  /** Column a row is grouped by: `version` or `variant`. */
  groupBy: 'version' | 'variant';
  /** Dimensions the inferences must have (bound as `f_<dimension>`). */
  filter?: QualityFilter;
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
  [filter: `f_${string}`]: string;
}

const msTime = (p: string) => `fromUnixTimestamp64Milli({${p}:Int64})`;

/** The inferences of the query: prediction id, time, group value and bucket. */
function inferences(q: QualityQuery, onlyLabelled: boolean): string {
  const conds = [
    'project_id = {project:String}',
    'model = {model:String}',
    `time >= ${msTime('fromMs')}`,
    `time < ${msTime('toMs')}`,
    "prediction_id != ''",
  ];
  for (const d of QUALITY_FILTERS)
    if (q.filter?.[d] !== undefined) conds.push(`${d} = {f_${d}:String}`);
  if (onlyLabelled) conds.push(`prediction_id IN (${feedbackIds(q)})`);
  return `SELECT prediction_id, time, ${q.groupBy} AS g,
      intDiv(toUnixTimestamp64Milli(time), {stepMs:Int64}) * {stepMs:Int64} AS bucket
    FROM ${q.tables.inferences} WHERE ${conds.join(' AND ')}`;
}

const FEEDBACK_SCAN = `project_id = {project:String}
      AND time >= ${msTime('fbFromMs')} AND time < ${msTime('fbToMs')}`;

function feedbackIds(q: QualityQuery): string {
  return `SELECT prediction_id FROM ${q.tables.feedback} WHERE ${FEEDBACK_SCAN}`;
}

/**
 * Correctness of a labelled prediction: `correct` when the feedback sent it, else whether
 * the predicted label equals the true one, else NULL (unknown).
 */
export function correctness(correct: string, predicted: string, truth: string): string {
  return `if(isNotNull(${correct}), ${correct},
         if(isNotNull(${predicted}) AND isNotNull(${truth}), toUInt8(${predicted} = ${truth}), NULL))`;
}

/**
 * One row per labelled prediction: group, bucket, the latest feedback fields within the
 * label delay, and the prediction's outputs. `p_lab` is the predicted label (the label
 * output, else a categorical value output); `ok` the correctness: `correct` when sent,
 * else whether the predicted label equals the true one, else NULL.
 */
export function labelledPredictions(q: QualityQuery): string {
  return `SELECT x.g AS g, x.bucket AS bucket, x.t_label AS t_label, x.t_value AS t_value,
      x.t_score AS t_score, p.p_value AS p_value, p.p_score AS p_score,
      coalesce(p.p_label, p.p_value_cat) AS p_lab,
      ${correctness('x.t_correct', 'p_lab', 'x.t_label')} AS ok
    FROM (
      SELECT i.prediction_id AS pid, i.g AS g, i.bucket AS bucket,
        argMaxIf(f.label, f.time, isNotNull(f.label)) AS t_label,
        argMaxIf(f.value, f.time, isNotNull(f.value)) AS t_value,
        argMaxIf(f.score, f.time, isNotNull(f.score)) AS t_score,
        argMaxIf(f.correct, f.time, isNotNull(f.correct)) AS t_correct
      FROM (${inferences(q, true)}) AS i
      INNER JOIN (
        SELECT prediction_id, time, label, value, score, correct
        FROM ${q.tables.feedback} WHERE ${FEEDBACK_SCAN}
      ) AS f ON f.prediction_id = i.prediction_id
      WHERE f.time <= i.time + toIntervalMillisecond({delayMs:Int64})
      GROUP BY pid, i.time, g, bucket
    ) AS x
    LEFT JOIN (
      SELECT prediction_id AS pid,
        anyIf(toNullable(cat), feature = 'prediction.label' AND is_numeric = 0) AS p_label,
        anyIf(toNullable(cat), feature = 'prediction.value' AND is_numeric = 0) AS p_value_cat,
        anyIf(toNullable(num), feature = 'prediction.value' AND is_numeric = 1) AS p_value,
        anyIf(toNullable(num), feature = 'prediction.score' AND is_numeric = 1) AS p_score
      FROM ${q.tables.features}
      WHERE project_id = {project:String} AND model = {model:String} AND kind = 'prediction'
        AND time >= ${msTime('fromMs')} AND time < ${msTime('toMs')}
        AND prediction_id IN (${feedbackIds(q)})
      GROUP BY prediction_id
    ) AS p ON p.pid = x.pid`;
}

/** Predictions (inferences with an id) per group and bucket. */
export function predictionCountsSql(q: QualityQuery): string {
  return `SELECT g, bucket, count() AS predictions FROM (${inferences(q, false)})
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
