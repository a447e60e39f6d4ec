import type { Arm } from './params.js';

/**
 * The SQL of a comparison's latency test. Pure text: values are bound as `{name:Type}`
 * parameters; the arms' dimensions (`version` | `variant`) come from a closed set.
 */

/**
 * Width of a latency bucket on the log scale: 1/1000, i.e. latencies 0.1% apart share a
 * bucket (and count as ties). Far finer than any latency difference worth a verdict, and it
 * turns the rank test into arithmetic over a few thousand counts.
 */
export const LOG_BUCKETS_PER_UNIT = 1000;

/** Condition of an arm on the raw inference rows (`p` names its parameter). */
function armCondition(arm: Arm, p: 'aValue' | 'bValue'): string {
  return `${arm.dimension} = {${p}:String}`;
}

/**
 * Counts per arm (0 = A, 1 = B) and latency bucket `k` = round(1000·ln(µs)), ascending, of
 * the raw inference rows of `[fromMs, toMs)`. An inference in both arms (a version
 * arm against a variant arm) counts in both. `where` holds the remaining conditions
 * (project, model, filters) over bound parameters.
 */
export function latencyBucketsSql(table: string, a: Arm, b: Arm, where: string): string {
  const ca = armCondition(a, 'aValue');
  const cb = armCondition(b, 'bValue');
  return `SELECT arm, toUInt32(round(log(greatest(duration_ms * 1000, 1)) * ${LOG_BUCKETS_PER_UNIT})) AS k,
      count() AS n
    FROM ${table}
    ARRAY JOIN arrayFilter(x -> x >= 0, [if(${ca}, 0, -1), if(${cb}, 1, -1)]) AS arm
    WHERE ${where} AND (${ca} OR ${cb})
    GROUP BY arm, k ORDER BY k, arm`;
}
