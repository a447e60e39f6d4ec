import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { useSearch } from '@tanstack/react-router';
import { api } from './api-client.js';
import { type RangeCall, rangeKey } from './range-call.js';
import { type RangeSearch, refreshMs } from './search.js';
import { type ResolvedRange, resolveRange } from './time-range.js';

/** The shared range params of the current URL. */
export function useRangeSearch(): RangeSearch {
  return useSearch({ strict: false }) as RangeSearch;
}

/**
 * The options of a query over `search`'s time range: what {@link useRangeQuery} runs, and
 * what a route's loader prefetches before the page's code has arrived (same key, same fetch).
 * The range is resolved when the fetch runs, so a relative range ("last hour") moves forward
 * on every auto-refresh; the previous answer stays on screen while the next loads, so charts
 * do not flash.
 */
export function rangeQuery<T>(
  search: RangeSearch,
  key: ReadonlyArray<unknown>,
  fetcher: (range: ResolvedRange, signal: AbortSignal) => Promise<T>,
  enabled = true,
) {
  return queryOptions({
    queryKey: rangeKey(search, key),
    queryFn: ({ signal }) => fetcher(resolveRange(search.from, search.to, Date.now()), signal),
    refetchInterval: refreshMs(search.refresh),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The options of `call` over `search`'s range: a {@link rangeQuery} that GETs its path. */
export function callQuery<T>(search: RangeSearch, call: RangeCall, enabled = true) {
  return rangeQuery(search, call.key, (r, signal) => api<T>(call.path(r), { signal }), enabled);
}

/**
 * A query over the URL's time range (see {@link rangeQuery}).
 *
 * @example
 * const models = useRangeQuery(['models'], (r, signal) => fetchModels(r, signal));
 */
export function useRangeQuery<T>(
  key: ReadonlyArray<unknown>,
  fetcher: (range: ResolvedRange, signal: AbortSignal) => Promise<T>,
  enabled = true,
) {
  return useQuery(rangeQuery(useRangeSearch(), key, fetcher, enabled));
}
