import type { ChartRow } from './time-series-chart.js';

/** Round steps within a power of ten, smallest first. */
const STEPS = [1, 2, 2.5, 5, 10];

/** A y axis fitted to a chart's data: its bounds and the round values to label. */
export interface ValueAxis {
  domain: [number, number];
  ticks: number[];
}

/** `v` without the float error of `i × step` (0.1 × 3 → 0.3, not 0.30000000000000004). */
const round = (v: number) => Number(v.toPrecision(12));

/**
 * The y axis of `lines` in `rows`: from 0 (or a round value below the lowest, when some are
 * negative) to a round value at or above the highest, in at most `intervals` equal round
 * steps (1, 2, 2.5 or 5 times a power of ten). Every tick is a bound or a step, so no label is
 * the data's own maximum squeezed beside a round one (4.17 over 4); 0..1 when all are 0.
 */
export function valueAxis(rows: ChartRow[], lines: string[], intervals = 5): ValueAxis {
  let lo = 0;
  let hi = 0;
  for (const r of rows)
    for (const k of lines) {
      const v = r[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (v > hi) hi = v;
      if (v < lo) lo = v;
    }
  if (hi === lo) hi = lo + 1;
  const exp = 10 ** Math.floor(Math.log10((hi - lo) / intervals));
  let step = 10 * exp;
  let first = 0;
  let last = 0;
  for (const m of STEPS) {
    step = m * exp;
    // The epsilon keeps a bound that is already round (100 of step 20) from taking a step more.
    first = Math.floor(lo / step + 1e-9);
    last = Math.ceil(hi / step - 1e-9);
    if (last - first <= intervals) break;
  }
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(round(i * step));
  return { domain: [round(first * step), round(last * step)], ticks };
}
