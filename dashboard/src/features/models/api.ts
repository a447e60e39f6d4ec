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
import { stepFor } from '../../lib/time-range.js';
import { callQuery, useRangeQuery, useRangeSearch } from '../../lib/use-range.js';
import { compareCall, modelSeriesCall, modelSparklinesCall, queueDepthCall } from './calls.js';

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
 * Two arms of a model side by side over `search`'s range, with significance and each arm's
 * drift against `baseline` (see {@link compareCall}); held until both arms are named.
 */
export function compareQuery(
  search: RangeSearch,
  model: string,
  a: string | undefined,
  b: string | undefined,
  baseline: string | undefined,
) {
  return callQuery<ModelCompareResponse>(
    search,
    compareCall(model, a ?? '', b ?? '', baseline),
    Boolean(a && b),
  );
}

/** Two arms of a model side by side over the URL's range (see {@link compareQuery}). */
export function useCompare(
  model: string,
  a: string | undefined,
  b: string | undefined,
  baseline: string | undefined,
) {
  return useQuery(compareQuery(useRangeSearch(), model, a, b, baseline));
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
