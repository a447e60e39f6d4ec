import type { Arm } from './params.js';
import { correctness, type QualityQuery } from './quality-sql.js';

/**
 * The SQL of a comparison's significance: latency counts per bucket and judged/correct
 * labelled predictions, per arm (0 = A, 1 = B), each in one pass over both arms. Pure text:
 * values are bound as `{name:Type}` parameters (`aValue`, `bValue`, the caller's
 * conditions'); the arms' dimensions (`version` | `variant`) come from a closed set.
 */

/**
 * Width of a latency bucket on the log scale: 1/1000, i.e. latencies 0.1% apart share a
 * bucket (and count as ties). Far finer than any latency difference worth a verdict, and it
 * turns the rank test into arithmetic over a few thousand counts.
 */
export const LOG_BUCKETS_PER_UNIT = 1000;

/** How rows are assigned to arms: the arm column, an optional ARRAY JOIN, the condition. */
interface ArmSql {
  arm: string;
  arrayJoin: string;
  cond: string;
}

/**
 * Arms on one dimension are disjoint: the arm is `dimension = b`. Arms on two dimensions
 * (a version against a variant) may share rows, which then count in both (ARRAY JOIN).
 */
function arms(a: Arm, b: Arm): ArmSql {
  if (a.dimension === b.dimension)
    return {
      arm: `toUInt8(${b.dimension} = {bValue:String})`,
      arrayJoin: '',
      cond: `${a.dimension} IN ({aValue:String}, {bValue:String})`,
    };
  const ca = `${a.dimension} = {aValue:String}`;
  const cb = `${b.dimension} = {bValue:String}`;
  return {
    arm: 'arm_of_row',
    arrayJoin: `ARRAY JOIN arrayFilter(x -> x >= 0, [if(${ca}, 0, -1), if(${cb}, 1, -1)]) AS arm_of_row`,
    cond: `(${ca} OR ${cb})`,
  };
}

/**
 * Counts per arm and latency bucket `k` = round(1000·ln(µs)), ascending, of the raw
 * inference rows. `where` holds the other conditions (project, model, range, filters).
 */
export function latencyBucketsSql(table: string, a: Arm, b: Arm, where: string): string {
  const x = arms(a, b);
  return `SELECT ${x.arm} AS arm,
      toUInt32(round(log(greatest(duration_ms * 1000, 1)) * ${LOG_BUCKETS_PER_UNIT})) AS k,
      count() AS n
    FROM ${table} ${x.arrayJoin}
    WHERE ${where} AND ${x.cond}
    GROUP BY arm, k ORDER BY k, arm`;
}

/**
 * Judged and correct labelled predictions per arm, by the rules of quality-sql.ts (latest
 * feedback within the label delay; `correct`, else predicted label = true label). `where`
 * holds the other conditions on the inference rows. Leaner than the quality query (only
 * what correctness needs, one feedback scan per side, the inference side narrowed by the
 * join alone), and keyed by the 64-bit hash of the prediction id rather than the string
 * (about a quarter less CPU; two ids of one project and range colliding is a chance of
 * about n²/2⁶⁵, 3·10⁻⁸ at a million labelled predictions). At a million inferences per arm
 * this pass is most of a comparison's time (docs/benchmarks.md).
 */
export function armAccuracySql(q: QualityQuery, a: Arm, b: Arm, where: string): string {
  const x = arms(a, b);
  const feedback = `SELECT cityHash64(prediction_id) AS h, time, label, correct FROM ${q.tables.feedback}
      WHERE project_id = {project:String}
        AND time >= fromUnixTimestamp64Milli({fbFromMs:Int64})
        AND time < fromUnixTimestamp64Milli({fbToMs:Int64})`;
  return `SELECT arm, count(ok) AS judged, sum(ok) AS correct FROM (
    SELECT x.arm AS arm, ${correctness('x.t_correct', 'p.p_lab', 'x.t_label')} AS ok
    FROM (
      SELECT i.arm AS arm, i.h AS h,
        argMaxIf(f.label, f.time, isNotNull(f.label)) AS t_label,
        argMaxIf(f.correct, f.time, isNotNull(f.correct)) AS t_correct
      FROM (
        SELECT cityHash64(prediction_id) AS h, time, ${x.arm} AS arm
        FROM ${q.tables.inferences} ${x.arrayJoin}
        WHERE ${where} AND ${x.cond} AND prediction_id != ''
      ) AS i
      INNER JOIN (${feedback}) AS f ON f.h = i.h
      WHERE f.time <= i.time + toIntervalMillisecond({delayMs:Int64})
      GROUP BY arm, h, i.time
    ) AS x
    LEFT JOIN (
      SELECT cityHash64(prediction_id) AS h,
        toNullable(coalesce(
          anyIf(toNullable(cat), feature = 'prediction.label'),
          anyIf(toNullable(cat), feature = 'prediction.value'))) AS p_lab
      FROM ${q.tables.features}
      WHERE project_id = {project:String} AND model = {model:String} AND kind = 'prediction'
        AND feature IN ('prediction.label', 'prediction.value') AND is_numeric = 0
        AND time >= fromUnixTimestamp64Milli({fromMs:Int64})
        AND time < fromUnixTimestamp64Milli({toMs:Int64})
        AND h IN (SELECT h FROM (${feedback}))
      GROUP BY h
    ) AS p ON p.h = x.h
  ) GROUP BY arm ORDER BY arm`;
}
