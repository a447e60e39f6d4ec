import type { ModelCompareResponse, ModelSeriesResponse, SeriesGroupBy } from '@aiobs/api-types';
import { api, toQuery } from '../../lib/api-client.js';
import { type ResolvedRange, stepFor } from '../../lib/time-range.js';
import { useRangeQuery } from '../../lib/use-range.js';

/** Requests per bucket of every model (the list's sparklines). */
export function useModelSparklines() {
  return useRangeQuery(['model-sparklines'], (r: ResolvedRange, signal) =>
    api<ModelSeriesResponse>(
      `/models/series${toQuery({ from: r.from, to: r.to, step: stepFor(r.fromMs, r.toMs, 30), groupBy: 'model', metric: 'requests,latencyP95' })}`,
      { signal },
    ),
  );
}

/** One model's series split by `groupBy` (version or variant). */
export function useModelSeries(model: string, groupBy: SeriesGroupBy | undefined) {
  return useRangeQuery(['model-series', model, groupBy], (r: ResolvedRange, signal) =>
    api<ModelSeriesResponse>(
      `/models/series${toQuery({
        model,
        groupBy,
        from: r.from,
        to: r.to,
        step: stepFor(r.fromMs, r.toMs),
        metric: 'requests,errorRate,latencyP95,ttftP95,tokensPerS,cacheHitRate,queueWaitP95,cost',
      })}`,
      { signal },
    ),
  );
}

/** Two arms of a model side by side. */
export function useCompare(model: string, a: string | undefined, b: string | undefined) {
  return useRangeQuery(
    ['compare', model, a, b],
    (r: ResolvedRange, signal) =>
      api<ModelCompareResponse>(
        `/models/compare${toQuery({ model, a, b, from: r.from, to: r.to })}`,
        { signal },
      ),
    Boolean(a && b),
  );
}
