/**
 * The SQL of labelled predictions: one row per prediction with feedback within the label
 * delay, the latest value of each feedback field and the prediction's outputs, as quality
 * (quality-sql.ts) and the compare verdicts (compare-significance-sql.ts) read them. Pure
 * text; values are bound as `{name:Type}` parameters: `project`, `model`, `fromMs`, `toMs`
 * (the predictions' range), `delayMs`, `fbFromMs`, `fbToMs` (the feedback scanned), plus
 * whatever the caller's conditions and expressions bind.
 *
 * Two sources, one answer. `aiobs_labelled_predictions` holds what a view wrote when the
 * feedback arrived (migration 0050): read in proportion to the feedback. Feedback that has
 * no row there with outputs (it came before its span, its span carries no typed outputs,
 * or the two inserts raced) is "unresolved" and joined at query time with the inference
 * and prediction rows, narrowed to those ids (a bound list when there are few). A prediction found by both ways counts once:
 * rows are grouped per prediction, and a feedback record seen twice leaves the latest
 * value of each field unchanged.
 */

/** Qualified names of the tables labelled predictions are read from. */
export interface LabelledTables {
  inferences: string;
  feedback: string;
  features: string;
  labelled: string;
}

/** How unresolved feedback is joined at query time ({@link LabelledSelect.live}). */
export type LiveJoin = 'none' | 'ids' | 'query';

/** What the rows cover and how they are grouped. */
export interface LabelledSelect {
  tables: LabelledTables;
  /** Expression of a row's group over the inference columns (`version`, an arm). */
  group: string;
  /** `ARRAY JOIN …` placed after the inference rows' `FROM`, or ''. */
  arrayJoin: string;
  /**
   * Conditions on the inference rows, in columns `aiobs_inferences` and
   * `aiobs_labelled_predictions` share (project_id, model, time, the dimensions,
   * prediction_id).
   */
  where: string;
  /** Expression of a row's bucket over `time`. */
  bucket: string;
  /**
   * How unresolved feedback is joined at query time: not at all (`none`, when there is
   * none: the query then reads no inference row), by the bound list `{unresolved:Array(String)}`
   * (`ids`), or by the subquery {@link unresolvedSql} (`query`).
   */
  live: LiveJoin;
}

const msTime = (p: string) => `fromUnixTimestamp64Milli({${p}:Int64})`;

/** The feedback a query scans: the project's, recorded in `[fbFromMs, fbToMs)`. */
export const FEEDBACK_SCAN = `project_id = {project:String}
      AND time >= ${msTime('fbFromMs')} AND time < ${msTime('fbToMs')}`;

/**
 * Prediction ids of the scanned feedback records that have no labelled row with outputs
 * (any model of the project: feedback names none). Records are matched by `fb_key`, the
 * 64-bit hash of id and time (migration 0050): a record taken for labelled by a collision
 * is a chance of about n·m/2⁶⁴ for n unresolved and m labelled records.
 */
export function unresolvedSql(t: LabelledTables): string {
  return `SELECT prediction_id FROM ${t.feedback} WHERE ${FEEDBACK_SCAN}
      AND cityHash64(prediction_id, time) NOT IN (
        SELECT fb_key FROM ${t.labelled}
        WHERE project_id = {project:String} AND outputs = 1
          AND fb_time >= ${msTime('fbFromMs')} AND fb_time < ${msTime('fbToMs')})`;
}

/**
 * Most unresolved ids a query takes as a bound list (`{unresolved:Array(String)}`): the
 * bloom-filter indexes on `prediction_id` then skip the granules without them, so the
 * query-time join costs in proportion to them. Above it, the ids stay a subquery and the
 * join reads the range's inference and prediction rows.
 */
export const UNRESOLVED_IDS_MAX = 10_000;

/** Up to {@link UNRESOLVED_IDS_MAX} + 1 distinct unresolved prediction ids. */
export function unresolvedIdsSql(t: LabelledTables): string {
  return `SELECT DISTINCT prediction_id AS id FROM (${unresolvedSql(t)})
    LIMIT ${UNRESOLVED_IDS_MAX + 1}`;
}

/** Correctness: `correct` when sent, else predicted label = true label, else NULL. */
export function correctness(correct: string, predicted: string, truth: string): string {
  return `if(isNotNull(${correct}), ${correct},
         if(isNotNull(${predicted}) AND isNotNull(${truth}), toUInt8(${predicted} = ${truth}), NULL))`;
}

/**
 * Columns of a (prediction, feedback record) pair, the same from both sources. `pid` is the
 * 64-bit hash of the prediction id: grouping by it and the prediction's time costs less
 * than by the string, and two predictions merge only if both collide.
 */
const PAIR = 'pid, time, g, bucket, fb_time, label, value, score, correct';
const OUTPUTS = 'p_label, p_value_cat, p_value, p_score';

function storedPairs(s: LabelledSelect): string {
  return `SELECT cityHash64(prediction_id) AS pid, time, ${s.group} AS g, ${s.bucket} AS bucket,
      fb_time, label, value, score, correct, ${OUTPUTS}
    FROM ${s.tables.labelled} ${s.arrayJoin}
    WHERE ${s.where} AND outputs = 1
      AND fb_time >= ${msTime('fbFromMs')} AND fb_time < ${msTime('fbToMs')}`;
}

/**
 * The unresolved feedback joined with inference and prediction rows, by the 64-bit hash of
 * the id (as the old compare query did: cheaper joins). With a bound list the inference
 * side is narrowed by it too (the bloom-filter index skips granules); with the subquery it
 * is not, since testing millions of ids against a large set costs more than the join.
 */
function livePairs(s: LabelledSelect): string {
  const t = s.tables;
  const ids = s.live === 'ids' ? '{unresolved:Array(String)}' : `(${unresolvedSql(t)})`;
  const narrow = s.live === 'ids' ? `AND prediction_id IN ${ids}` : "AND prediction_id != ''";
  return `SELECT i.pid AS pid, i.time AS time, i.g AS g, i.bucket AS bucket,
      f.time AS fb_time, f.label AS label, f.value AS value, f.score AS score,
      f.correct AS correct,
      p.p_label AS p_label, p.p_value_cat AS p_value_cat, p.p_value AS p_value, p.p_score AS p_score
    FROM (
      SELECT cityHash64(prediction_id) AS pid, time, ${s.group} AS g, ${s.bucket} AS bucket
      FROM ${t.inferences} ${s.arrayJoin}
      WHERE ${s.where} ${narrow}
    ) AS i
    INNER JOIN (
      SELECT cityHash64(prediction_id) AS h, time, label, value, score, correct FROM ${t.feedback}
      WHERE ${FEEDBACK_SCAN} AND prediction_id IN ${ids}
    ) AS f ON f.h = i.pid
    LEFT JOIN (
      SELECT cityHash64(prediction_id) AS h,
        anyIf(toNullable(cat), feature = 'prediction.label' AND is_numeric = 0) AS p_label,
        anyIf(toNullable(cat), feature = 'prediction.value' AND is_numeric = 0) AS p_value_cat,
        anyIf(toNullable(num), feature = 'prediction.value' AND is_numeric = 1) AS p_value,
        anyIf(toNullable(num), feature = 'prediction.score' AND is_numeric = 1) AS p_score
      FROM ${t.features}
      WHERE project_id = {project:String} AND model = {model:String} AND kind = 'prediction'
        AND time >= ${msTime('fromMs')} AND time < ${msTime('toMs')}
        AND prediction_id IN ${ids}
      GROUP BY h
    ) AS p ON p.h = i.pid`;
}

/**
 * One row per labelled prediction: `g`, `bucket`, the latest feedback fields within the
 * label delay (`t_label`, `t_value`, `t_score`), the outputs (`p_value`, `p_score`, `p_lab`
 * the predicted label: the label output, else a categorical value output) and `ok`, the
 * correctness ({@link correctness}).
 */
export function labelledSql(s: LabelledSelect): string {
  const pairs =
    s.live !== 'none' ? `${storedPairs(s)}\n    UNION ALL\n    ${livePairs(s)}` : storedPairs(s);
  return `SELECT g, bucket, t_label, t_value, t_score, p_value, p_score, p_lab,
      ${correctness('t_correct', 'p_lab', 't_label')} AS ok
    FROM (
      SELECT g, bucket,
        argMaxIf(label, fb_time, isNotNull(label)) AS t_label,
        argMaxIf(value, fb_time, isNotNull(value)) AS t_value,
        argMaxIf(score, fb_time, isNotNull(score)) AS t_score,
        argMaxIf(correct, fb_time, isNotNull(correct)) AS t_correct,
        any(p_value) AS p_value, any(p_score) AS p_score,
        coalesce(any(p_label), any(p_value_cat)) AS p_lab
      FROM (SELECT ${PAIR}, ${OUTPUTS} FROM (${pairs}))
      WHERE fb_time <= time + toIntervalMillisecond({delayMs:Int64})
      GROUP BY pid, time, g, bucket
    )`;
}
