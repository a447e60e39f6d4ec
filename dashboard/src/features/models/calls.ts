import type { SeriesGroupBy } from '@aiobs/api-types';
import { toQuery } from '../../lib/api-client.js';
import type { RangeCall } from '../../lib/range-call.js';
import { stepFor } from '../../lib/time-range.js';

/** Requests per bucket of every model (the list's sparklines). */
export const modelSparklinesCall: RangeCall = {
  key: ['model-sparklines'],
  path: (r) =>
    `/models/series${toQuery({ from: r.from, to: r.to, step: stepFor(r.fromMs, r.toMs, 30), groupBy: 'model', metric: 'requests,latencyP95' })}`,
};

/** One model's series split by `groupBy` (version or variant). */
export function modelSeriesCall(model: string, groupBy: SeriesGroupBy | undefined): RangeCall {
  return {
    key: ['model-series', model, groupBy],
    path: (r) =>
      `/models/series${toQuery({
        model,
        groupBy,
        from: r.from,
        to: r.to,
        step: stepFor(r.fromMs, r.toMs),
        metric: 'requests,errorRate,latencyP95,ttftP95,tokensPerS,cacheHitRate,queueWaitP95,cost',
      })}`,
  };
}
