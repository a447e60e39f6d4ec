import { type LabelledTables, type LiveJoin, labelledSql } from './labelled-sql.js';
import type { Arm } from './params.js';

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
 * Judged and correct labelled predictions per arm, by the rules of quality
 * (labelled-sql.ts: latest feedback within the label delay; `correct`, else predicted
 * label = true label). `where` holds the other conditions on the inference rows. Reads
 * the labelled rows written when feedback arrived, and joins only the unresolved feedback
 * with inference and prediction rows (`live`: how, labelled-sql.ts).
 */
export function armAccuracySql(
  tables: LabelledTables,
  a: Arm,
  b: Arm,
  where: string,
  live: LiveJoin,
): string {
  const x = arms(a, b);
  const rows = labelledSql({
    tables,
    group: x.arm,
    arrayJoin: x.arrayJoin,
    where: `${where} AND ${x.cond}`,
    bucket: '0',
    live,
  });
  return `SELECT g AS arm, count(ok) AS judged, sum(ok) AS correct FROM (${rows})
    GROUP BY arm ORDER BY arm`;
}
