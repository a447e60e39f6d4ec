import type {
  MetricSeriesResponse,
  ModelCompareResponse,
  ModelQualityResponse,
  ModelSeriesResponse,
  SeriesGroupBy,
} from '@aiobs/api-types';
import { useQuery } from '@tanstack/react-query';
import { api, toQuery } from '../../lib/api-client.js';
import type { RangeSearch } from '../../lib/search.js';
import { type ResolvedRange, stepFor } from '../../lib/time-range.js';
import { callQuery, rangeQuery, useRangeQuery, useRangeSearch } from '../../lib/use-range.js';
import { modelSeriesCall, modelSparklinesCall, queueDepthCall } from './calls.js';

/** Requests per bucket of every model (the list's sparklines) over `search`'s range. */
export function modelSparklinesQuery(search: RangeSearch) {
  return callQuery<ModelSeriesResponse>(search, modelSparklinesCall);
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
  return callQuery<ModelSeriesResponse>(search, modelSeriesCall(model, groupBy));
}

/** One model's series split by `groupBy` over the URL's range. */
export function useModelSeries(model: string, groupBy: SeriesGroupBy | undefined) {
  return useQuery(modelSeriesQuery(useRangeSearch(), model, groupBy));
}

/**
 * Two arms of a model side by side over `search`'s range, with significance; with
 * `baseline` (a drift baseline id), also each arm's drift against it. `ready` false holds
 * the call (while the baseline is being picked).
 */
export function compareQuery(
  search: RangeSearch,
  model: string,
  a: string | undefined,
  b: string | undefined,
  baseline: string | undefined,
  ready = true,
) {
  return rangeQuery(
    search,
    ['compare', model, a, b, baseline],
    (r: ResolvedRange, signal) =>
      api<ModelCompareResponse>(
        `/models/compare${toQuery({ model, a, b, baseline, from: r.from, to: r.to })}`,
        { signal },
      ),
    Boolean(a && b && ready),
  );
}

/** Two arms of a model side by side over the URL's range (see {@link compareQuery}). */
export function useCompare(
  model: string,
  a: string | undefined,
  b: string | undefined,
  baseline: string | undefined,
  ready: boolean,
) {
  return useQuery(compareQuery(useRangeSearch(), model, a, b, baseline, ready));
}

/**
 * One model's quality from feedback (accuracy, coverage, F1, MAE, Brier) per version or
 * variant over the URL's range, about 60 buckets.
 */
export function useModelQuality(model: string, groupBy: 'version' | 'variant') {
  return useRangeQuery(['model-quality', model, groupBy], (r, signal) =>
    api<ModelQualityResponse>(
      `/models/quality${toQuery({ model, groupBy, from: r.from, to: r.to, step: stepFor(r.fromMs, r.toMs) })}`,
      { signal },
    ),
  );
}

/** One model's queue depth per service and replica over the URL's range. */
export function useQueueDepth(model: string) {
  return useQuery(callQuery<MetricSeriesResponse>(useRangeSearch(), queueDepthCall(model)));
}
