import { type DriftQuery, type SideFilter, sideCondition } from './sql.js';

/**
 * The SQL that samples joint rows for the multivariate score (multivariate.ts): the
 * features of one inference are the rows of `aiobs_feature_values` that share its
 * prediction id, span start time, version and variant (every value of a span is written
 * with all four). Pure text, parameters bound by the repository.
 */

/**
 * The inference a feature row belongs to, as a 64-bit hash: every row of a span carries the
 * span's prediction id, start time, version and variant, so together they name the
 * inference with or without a prediction id. Hashing the columns as they are costs a
 * fraction of building a text key per row.
 */
const KEY = 'cityHash64(prediction_id, time, version, variant)';

/**
 * What the sample keeps rows by: a hash of the span's start time alone, the same for every
 * row of an inference, read from the one column the time filter reads anyway, so rows left
 * out cost no other column's read.
 */
const KEEP = 'cityHash64(time)';

/** Which sides a joint query reads. */
export type JointSides = 'both' | 'reference' | 'current';

/** The union of the wanted sides' subqueries (side 0 the reference, 1 the current). */
function union(
  q: DriftQuery & { reference: SideFilter },
  sides: JointSides,
  side: (n: 0 | 1, prefix: 'r' | 'c', filter: SideFilter) => string,
): string {
  const parts: string[] = [];
  if (sides !== 'current') parts.push(side(0, 'r', q.reference));
  if (sides !== 'reference') parts.push(side(1, 'c', q.current));
  return parts.join('\n      UNION ALL\n      ');
}

/** Hash buckets the keep rate is expressed in. */
export const KEEP_SCALE = 1_000_000;

/**
 * Rows `(side, features, numeric, nums, cats)`, one per sampled inference (its features as
 * parallel arrays), side 0 the reference and 1 the current window, at most `{limit}` per
 * side, in the order of a hash of the inference's key (so a random sample, the same on
 * every call). Before grouping, inferences are kept by a hash of their time at the rates
 * `{rKeep}`/`{cKeep}` per {@link KEEP_SCALE}, so a large window groups only about as
 * many inferences as the sample needs. Input features only (kind `feature`); `sides`
 * limits it to one side.
 */
export function jointRowsSql(
  q: DriftQuery & { reference: SideFilter },
  sides: JointSides = 'both',
): string {
  const side = (n: 0 | 1, prefix: 'r' | 'c', filter: SideFilter) =>
    `SELECT ${n} AS side, ${KEY} AS k, feature, is_numeric, num, cat FROM ${q.table}
      WHERE ${sideCondition(prefix, filter, false)} AND kind = 'feature'
        AND ${KEEP} % ${KEEP_SCALE} < {${prefix}Keep:UInt32}`;
  return `SELECT side, groupArray(feature) AS features, groupArray(is_numeric) AS numeric,
      groupArray(num) AS nums, groupArray(cat) AS cats
    FROM (
      ${union(q, sides, side)}
    )
    GROUP BY side, k
    ORDER BY side, k
    LIMIT {limit:UInt32} BY side`;
}

/** Per side, the most values of one input feature: rows `(side, n)`. */
export function jointSizesSql(
  q: DriftQuery & { reference: SideFilter },
  sides: JointSides = 'both',
): string {
  const side = (n: 0 | 1, prefix: 'r' | 'c', filter: SideFilter) =>
    `SELECT ${n} AS side, feature, count() AS c FROM ${q.table}
      WHERE ${sideCondition(prefix, filter, false)} AND kind = 'feature' GROUP BY feature`;
  return `SELECT side, max(c) AS n FROM (
      ${union(q, sides, side)}
    ) GROUP BY side`;
}

/** The keep rate (per {@link KEEP_SCALE}) for `limit` of about `inferences`, with a margin. */
export function keepRate(inferences: number, limit: number): number {
  if (inferences <= limit) return KEEP_SCALE;
  return Math.min(KEEP_SCALE, Math.ceil((KEEP_SCALE * 1.5 * limit) / inferences));
}
