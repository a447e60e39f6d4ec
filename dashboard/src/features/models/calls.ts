import type { SeriesGroupBy } from '@aiobs/api-types';
import { toQuery } from '../../lib/api-client.js';
import type { RangeCall } from '../../lib/range-call.js';
import { stepFor } from '../../lib/time-range.js';
import { QUEUE_DEPTH_GROUP_BY, QUEUE_DEPTH_METRIC } from './queue-depth.js';

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

/**
 * Two arms of a model side by side, with significance and each arm's drift against the
 * drift baseline `baseline` names, else (`baseline=default`) the one the API picks for the
 * model, its default or newest: the call need not wait for the baseline list.
 */
export function compareCall(model: string, a: string, b: string, baseline?: string): RangeCall {
  const ref = baseline ?? 'default';
  return {
    key: ['compare', model, a, b, ref],
    path: (r) =>
      `/models/compare${toQuery({ model, a, b, baseline: ref, from: r.from, to: r.to })}`,
  };
}

/** One model's queue depth per service and replica (the `aiobs.inference.queue.depth` gauge). */
export function queueDepthCall(model: string): RangeCall {
  return {
    key: ['queue-depth', model],
    path: (r) =>
      `/metrics/series${toQuery({
        name: QUEUE_DEPTH_METRIC,
        // Named, so a model that reports no queue reads as empty rather than as not found.
        type: 'gauge',
        agg: 'max',
        groupBy: QUEUE_DEPTH_GROUP_BY.join(','),
        'attr.gen_ai.request.model': model,
        from: r.from,
        to: r.to,
        step: stepFor(r.fromMs, r.toMs),
      })}`,
  };
}
