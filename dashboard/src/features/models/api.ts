import type { ModelCompareResponse, ModelSeriesResponse, SeriesGroupBy } from '@aiobs/api-types';
import { useQuery } from '@tanstack/react-query';
import { api, toQuery } from '../../lib/api-client.js';
import type { RangeSearch } from '../../lib/search.js';
import { type ResolvedRange, stepFor } from '../../lib/time-range.js';
import { rangeQuery, useRangeSearch } from '../../lib/use-range.js';

/** Requests per bucket of every model (the list's sparklines) over `search`'s range. */
export function modelSparklinesQuery(search: RangeSearch) {
  return rangeQuery(search, ['model-sparklines'], (r: ResolvedRange, signal) =>
    api<ModelSeriesResponse>(
      `/models/series${toQuery({ from: r.from, to: r.to, step: stepFor(r.fromMs, r.toMs, 30), groupBy: 'model', metric: 'requests,latencyP95' })}`,
      { signal },
    ),
  );
}

/** Requests per bucket of every model over the URL's range. */
export function useModelSparklines() {
  return useQuery(modelSparklinesQuery(useRangeSearch()));
}

/** One model's series split by `groupBy` (version or variant) over `search`'s range. */
export function modelSeriesQuery(
  search: RangeSearch,
  model: string,
  groupBy: SeriesGroupBy | undefined,
) {
  return rangeQuery(search, ['model-series', model, groupBy], (r: ResolvedRange, signal) =>
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

/** One model's series split by `groupBy` over the URL's range. */
export function useModelSeries(model: string, groupBy: SeriesGroupBy | undefined) {
  return useQuery(modelSeriesQuery(useRangeSearch(), model, groupBy));
}

/** Two arms of a model side by side over `search`'s range. */
export function compareQuery(
  search: RangeSearch,
  model: string,
  a: string | undefined,
  b: string | undefined,
) {
  return rangeQuery(
    search,
    ['compare', model, a, b],
    (r: ResolvedRange, signal) =>
      api<ModelCompareResponse>(
        `/models/compare${toQuery({ model, a, b, from: r.from, to: r.to })}`,
        { signal },
      ),
    Boolean(a && b),
  );
}

/** Two arms of a model side by side over the URL's range. */
export function useCompare(model: string, a: string | undefined, b: string | undefined) {
  return useQuery(compareQuery(useRangeSearch(), model, a, b));
}
