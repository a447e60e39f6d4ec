import { toQuery } from '../../lib/api-client.js';
import type { FixedCall, PagedRangeCall, RangeCall } from '../../lib/range-call.js';
import type { RangeSearch } from '../../lib/search.js';
import { type TraceFilters, tracesQueryParams } from './prepare.js';

/** Services seen in the range (the service filter's choices). */
export const servicesCall: RangeCall = {
  key: ['services'],
  path: (r) => `/services${toQuery({ from: r.from, to: r.to })}`,
};

/**
 * The first page (100) of the traces matching `filters`. The key holds the route's whole
 * search (range and filters), as the page's query does.
 */
export function traceSearchCall(filters: RangeSearch & TraceFilters): PagedRangeCall {
  return {
    key: ['traces', filters],
    path: (r) => `/traces${toQuery(tracesQueryParams(filters, r))}`,
    paged: true,
  };
}

/** Trace ids the API accepts: anything else is not asked for. */
export const TRACE_ID = /^[0-9a-f]{32}$/i;

/** Every span of one trace. */
export function traceCall(traceId: string): FixedCall {
  return { key: ['trace', traceId], path: `/traces/${traceId}` };
}
