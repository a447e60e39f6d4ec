const HOUR_MS = 3_600_000;

/** Windows the newest-first trace search tries before the whole range, by length. */
const WINDOW_MS = [HOUR_MS, 6 * HOUR_MS, 24 * HOUR_MS];

/**
 * Where the windows of a newest-first trace search start (Unix ms, on whole seconds,
 * shortest first) for the range `fromMs`..`toMs` and, when paging, the start (ns) of the
 * previous page's last trace. Each window ends at the range's end, and a window is listed
 * only if it starts after `fromMs`: the caller reads the whole range last.
 *
 * Whole seconds because the trace-id lookup table keeps starts in seconds: a trace whose
 * first span is at or after a whole-second bound has a lookup start at or after it too.
 */
export function traceSearchWindows(fromMs: number, toMs: number, afterStartNs?: string): number[] {
  const afterMs =
    afterStartNs === undefined
      ? Number.POSITIVE_INFINITY
      : Number(BigInt(afterStartNs) / 1_000_000n) + 1;
  const end = Math.min(toMs, afterMs);
  const starts: number[] = [];
  for (const w of WINDOW_MS) {
    const start = Math.floor((end - w) / 1000) * 1000;
    if (start > fromMs && start !== starts.at(-1)) starts.push(start);
  }
  return starts;
}
