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
 * The traces matching `filters`, 100 a page. The key holds the route's whole search (range
 * and filters), as the page's query does.
 */
export function traceSearchCall(filters: RangeSearch & TraceFilters): PagedRangeCall {
  return {
    key: ['traces', filters],
    path: (r, cursor) => `/traces${toQuery(tracesQueryParams(filters, r, cursor))}`,
    paged: true,
  };
}

/** Trace ids the API accepts: anything else is not asked for. */
export const TRACE_ID = /^[0-9a-f]{32}$/i;

/** Every span of one trace. */
export function traceCall(traceId: string): FixedCall {
  return { key: ['trace', traceId], path: `/traces/${traceId}` };
}
