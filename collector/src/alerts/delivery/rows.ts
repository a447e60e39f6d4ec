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

/** Unix milliseconds (or ISO 8601) as a DateTime64(3) literal for JSONEachRow inserts, UTC. */
export function chTime(at: number | string): string {
  const iso = typeof at === 'number' ? new Date(at).toISOString() : new Date(at).toISOString();
  return iso.replace('T', ' ').replace('Z', '');
}

/** A JSON column's value, or `fallback` when it does not parse (a row written by a later version). */
export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
