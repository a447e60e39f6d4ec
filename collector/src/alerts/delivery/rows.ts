/**
 * Helpers shared by the delivery repositories. Each table keeps the latest row per key by a
 * `version` column read with argMax (not by ReplacingMergeTree merges, which may not have run);
 * versions come from one process-wide counter that never goes backwards.
 */
let last = 0;

/** A version higher than every one this process issued before (microseconds since the epoch). */
export function nextVersion(): number {
  last = Math.max(last + 1, Date.now() * 1000);
  return last;
}

/** DateTime64(3) literals for JSONEachRow inserts: the storage layer's one converter. */
export { chTime } from '../../storage/rows.js';

/** A JSON column's value, or `fallback` when it does not parse (a row written by a later version). */
export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
