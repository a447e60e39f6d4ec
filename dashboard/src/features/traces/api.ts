import type {
  ModelGpuResponse,
  ServicesResponse,
  TraceResponse,
  TracesResponse,
} from '@aiobs/api-types';
import {
  infiniteQueryOptions,
  keepPreviousData,
  queryOptions,
  useInfiniteQuery,
  useQuery,
} from '@tanstack/react-query';
import { api, toQuery } from '../../lib/api-client.js';
import { type RangeSearch, refreshMs } from '../../lib/search.js';
import { type ResolvedRange, resolveRange } from '../../lib/time-range.js';
import { rangeQuery, useRangeSearch } from '../../lib/use-range.js';
import { type TraceFilters, tracesQueryParams } from './prepare.js';

/** Services seen in `search`'s range (the service filter's choices). */
export function servicesQuery(search: RangeSearch) {
  return rangeQuery(search, ['services'], (r: ResolvedRange, signal) =>
    api<ServicesResponse>(`/services${toQuery({ from: r.from, to: r.to })}`, { signal }),
  );
}

/** Services seen in the URL's range. */
export function useServices() {
  return useQuery(servicesQuery(useRangeSearch()));
}

/**
 * Traces matching `filters` over `search`'s range, 100 a page; `fetchNextPage` follows the
 * cursor. The range is resolved once per search so later pages continue the same list.
 */
export function traceSearchQuery(search: RangeSearch, filters: TraceFilters) {
  return infiniteQueryOptions({
    queryKey: ['traces', filters, search.from, search.to],
    initialPageParam: undefined as undefined | { range: ResolvedRange; cursor: string },
    queryFn: ({ pageParam, signal }) => {
      const range = pageParam?.range ?? resolveRange(search.from, search.to, Date.now());
      return api<TracesResponse>(
        `/traces${toQuery(tracesQueryParams(filters, range, pageParam?.cursor))}`,
        { signal },
      ).then((res) => ({ ...res, range }));
    },
    getNextPageParam: (last) =>
      last.nextCursor ? { range: last.range, cursor: last.nextCursor } : undefined,
    refetchInterval: refreshMs(search.refresh),
    placeholderData: keepPreviousData,
  });
}

/** Traces matching `filters` over the URL's range (see {@link traceSearchQuery}). */
export function useTraceSearch(filters: TraceFilters) {
  return useInfiniteQuery(traceSearchQuery(useRangeSearch(), filters));
}

/** Every span of one trace. */
export function traceQuery(traceId: string) {
  return queryOptions({
    queryKey: ['trace', traceId],
    queryFn: ({ signal }) => api<TraceResponse>(`/traces/${traceId}`, { signal }),
    enabled: /^[0-9a-f]{32}$/i.test(traceId),
    staleTime: 60_000,
  });
}

/** Every span of one trace. */
export function useTrace(traceId: string) {
  return useQuery(traceQuery(traceId));
}

/**
 * The GPUs of the hosts that served a trace's inference spans, per minute around it. The
 * search window is the trace's start ± 1 day (the API pads the answer to ±15 minutes).
 */
export function traceGpusQuery(traceId: string, startMs: number | undefined, enabled: boolean) {
  return queryOptions({
    queryKey: ['trace-gpus', traceId],
    queryFn: ({ signal }) =>
      api<ModelGpuResponse>(
        `/models/gpu${toQuery({
          traceId,
          from: new Date((startMs ?? Date.now()) - 86_400_000).toISOString(),
          to: new Date((startMs ?? Date.now()) + 86_400_000).toISOString(),
          step: '1m',
        })}`,
        { signal },
      ),
    enabled: enabled && startMs !== undefined,
    staleTime: 60_000,
  });
}

/** The GPUs of the hosts that served a trace's inference spans (see {@link traceGpusQuery}). */
export function useTraceGpus(traceId: string, startMs: number | undefined, enabled: boolean) {
  return useQuery(traceGpusQuery(traceId, startMs, enabled));
}
