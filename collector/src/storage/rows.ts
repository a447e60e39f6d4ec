/** Unix ms (or ISO 8601) as the engine's `DateTime64(3)` text (UTC), as JSONEachRow takes it. */
export function chTime(at: number | string): string {
  return new Date(at).toISOString().replace('T', ' ').replace('Z', '');
}

/** The engine's `DateTime64(3)` text (UTC, no zone) as Unix ms. */
export function fromChTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

/**
 * A version for a new row: the wall clock in ms, but never below `previous + 1`, so two
 * changes in one millisecond still order (the latest row per key wins).
 */
export function nextVersion(previous = 0): number {
  return Math.max(Date.now(), previous + 1);
}
