const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Tick spacings a time axis may use: round numbers of seconds, minutes, hours and days. */
const STEPS = [
  S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  D,
  2 * D,
  7 * D,
  14 * D,
  30 * D,
];

/**
 * At most `max` ticks for a time axis over `[fromMs, toMs]`: the multiples (in UTC) of the
 * smallest round spacing that gives no more. The chart draws them all, so recharts does not
 * measure every candidate label in the DOM to drop overlapping ones (it did so on each chart
 * of a cold load). Pure.
 *
 * @example
 * timeTicks(Date.parse('2026-12-02T10:07:00Z'), Date.parse('2026-12-02T11:07:00Z'), 4)
 * // 10:15, 10:30, 10:45, 11:00 (as ms)
 */
export function timeTicks(fromMs: number, toMs: number, max = 6): number[] {
  if (!(toMs > fromMs) || max < 1) return [];
  const count = (step: number) => Math.floor(toMs / step) - Math.ceil(fromMs / step) + 1;
  const step = STEPS.find((s) => count(s) <= max) ?? Math.ceil((toMs - fromMs) / max);
  const out: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs && out.length < max; t += step)
    out.push(t);
  return out;
}
