import { toQuery } from '../../lib/api-client.js';
import type { RangeCall } from '../../lib/range-call.js';
import { stepFor } from '../../lib/time-range.js';
import type { OverviewSplit } from './search.js';

/** Every model's figures over the range (cost per model, totals). */
export const modelsCall: RangeCall = {
  key: ['models'],
  path: (r) => `/models${toQuery({ from: r.from, to: r.to })}`,
};

/**
 * Every model over the range with the versions, variants and services it was served with,
 * without figures: what the model pickers need, at a fraction of {@link modelsCall}'s cost.
 */
export const modelDimensionsCall: RangeCall = {
  key: ['model-dimensions'],
  path: (r) => `/models/dimensions${toQuery({ from: r.from, to: r.to })}`,
};

/** The fleet-wide series behind the overview's charts (all models together). */
export const overviewSeriesCall: RangeCall = {
  key: ['overview-series'],
  path: (r) =>
    `/models/series${toQuery({
      from: r.from,
      to: r.to,
      step: stepFor(r.fromMs, r.toMs),
      metric: 'requests,errorRate,latencyP50,latencyP95,latencyP99,ttftP50,ttftP95,tokensPerS,cost',
    })}`,
};

/**
 * The overview's series split by model (`split=model`): one line per model of the metric
 * each chart draws when split (the p95s stand for latency and TTFT).
 */
export const overviewModelSeriesCall: RangeCall = {
  key: ['overview-series-by-model'],
  path: (r) =>
    `/models/series${toQuery({
      from: r.from,
      to: r.to,
      step: stepFor(r.fromMs, r.toMs),
      groupBy: 'model',
      metric: 'requests,errorRate,latencyP95,ttftP95,tokensPerS',
    })}`,
};

/** The series call of the overview's charts for `split`. */
export function overviewSeriesCallFor(split: OverviewSplit | undefined): RangeCall {
  return split === 'model' ? overviewModelSeriesCall : overviewSeriesCall;
}
