import { toQuery } from '../../lib/api-client.js';
import type { FixedCall, RangeCall } from '../../lib/range-call.js';
import type { ResolvedRange } from '../../lib/time-range.js';
import { previousWindow } from './prepare.js';

/**
 * Every stored baseline. The Drift page's query and the boot script (first-calls.ts) build
 * the same request from it.
 */
export const baselinesCall: FixedCall = { key: ['drift-baselines'], path: '/drift/baselines' };

/** The reference of a drift call: `baseline`, or without one the window before the range. */
export const referenceOf = (r: ResolvedRange, baseline: string | undefined) =>
  baseline ? { baseline } : previousWindow(r.fromMs, r.toMs);

/**
 * PSI per window of every feature of `model` against `baseline`, or without one against the
 * window just before the range: the Drift page's score chart. Its answer is kept with the
 * instant it was asked for (`timed`), which says which window was still filling.
 */
export const driftSeriesCall = (
  model: string,
  baseline: string | undefined,
): RangeCall & { timed: true } => ({
  key: ['drift-series', model, baseline],
  path: (r) =>
    `/drift/series${toQuery({
      model,
      from: r.from,
      to: r.to,
      measure: 'psi',
      ...referenceOf(r, baseline),
    })}`,
  timed: true,
});
