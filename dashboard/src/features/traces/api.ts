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
import { rangeKey } from '../../lib/range-call.js';
import { type RangeSearch, refreshMs } from '../../lib/search.js';
import { type ResolvedRange, resolveRange } from '../../lib/time-range.js';
import { callQuery, useRangeSearch } from '../../lib/use-range.js';
import { servicesCall, TRACE_ID, traceCall, traceSearchCall } from './calls.js';
import type { TraceFilters } from './prepare.js';

/** Services seen in `search`'s range (the service filter's choices). */
export function servicesQuery(search: RangeSearch) {
  return callQuery<ServicesResponse>(search, servicesCall);
}

/** Services seen in the URL's range. */
export function useServices() {
  return useQuery(servicesQuery(useRangeSearch()));
}

/**
 * Traces matching the filters of `search` (the traces route's whole search: range and
 * filters) over its range, 100 a page; `fetchNextPage` follows the cursor. The range is
 * resolved once per search so later pages continue the same list.
 */
export function traceSearchQuery(search: RangeSearch & TraceFilters) {
  const call = traceSearchCall(search);
  return infiniteQueryOptions({
    queryKey: rangeKey(search, call.key),
    initialPageParam: undefined as undefined | { range: ResolvedRange; cursor: string },
    queryFn: ({ pageParam, signal }) => {
      const range = pageParam?.range ?? resolveRange(search.from, search.to, Date.now());
      return api<TracesResponse>(call.path(range, pageParam?.cursor), { signal }).then((res) => ({
        ...res,
        range,
      }));
    },
    getNextPageParam: (last) =>
      last.nextCursor ? { range: last.range, cursor: last.nextCursor } : undefined,
    refetchInterval: refreshMs(search.refresh),
    placeholderData: keepPreviousData,
  });
}

/**
 * Traces matching the route's filters over its range (`search`: the traces route's whole
 * search; see {@link traceSearchQuery}).
 */
export function useTraceSearch(search: RangeSearch & TraceFilters) {
  return useInfiniteQuery(traceSearchQuery(search));
}

/** Every span of one trace. */
export function traceQuery(traceId: string) {
  const call = traceCall(traceId);
  return queryOptions({
    queryKey: call.key,
    queryFn: ({ signal }) => api<TraceResponse>(call.path, { signal }),
    enabled: TRACE_ID.test(traceId),
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
