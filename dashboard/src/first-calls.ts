import type { DriftBaselinesResponse, ModelDimensionsResponse } from '@aiobs/api-types';
import { baselinesCall, driftSeriesCall } from './features/drift/calls.js';
import { driftSelection } from './features/drift/prepare.js';
import { gpuSeriesCall, gpusCall, hostsCall } from './features/infrastructure/calls.js';
import { compareCall, modelSeriesCall, modelSparklinesCall } from './features/models/calls.js';
import {
  modelDimensionsCall,
  modelsCall,
  overviewSeriesCallFor,
} from './features/overview/calls.js';
import { validateOverviewSearch } from './features/overview/search.js';
import { servicesCall, TRACE_ID, traceCall, traceSearchCall } from './features/traces/calls.js';
import { validateTraceFilters } from './features/traces/prepare.js';
import {
  type FixedCall,
  type PagedRangeCall,
  type RangeCall,
  rangeKey,
  type SentCall,
} from './lib/range-call.js';
import {
  type RangeSearch,
  validateCompareSearch,
  validateDriftSearch,
  validateInfraSearch,
  validateModelSearch,
  validateRangeSearch,
} from './lib/search.js';
import { resolveRange } from './lib/time-range.js';

/**
 * The calls each route's first chart waits for, by path (the route loaders send the rest):
 * over the URL's range, or fixed ones (a key and a path).
 */
const FIRST_CALLS: Record<
  string,
  (raw: Record<string, unknown>) => Array<RangeCall | PagedRangeCall | FixedCall>
> = {
  '/': (raw) => [modelsCall, overviewSeriesCallFor(validateOverviewSearch(raw).split)],
  // The score chart's series needs the model (the first of the list, unless the URL names
  // one) and its baseline: both lists, then the series (NEXT_CALLS).
  '/drift': () => [modelDimensionsCall, baselinesCall],
  '/models': () => [modelsCall, modelSparklinesCall],
  // The comparison (the API picks the model's drift baseline), with both arms named.
  '/models/compare': (raw) => {
    const s = validateCompareSearch(raw);
    return s.a && s.b ? [compareCall(s.model, s.a, s.b, s.baseline)] : [];
  },
  '/models/view': (raw) => {
    const s = validateModelSearch(raw);
    return [modelsCall, modelSeriesCall(s.model, s.groupBy ?? 'version')];
  },
  '/infrastructure': (raw) => {
    const s = validateInfraSearch(raw);
    return [
      hostsCall,
      gpusCall(s.host),
      gpuSeriesCall('hw.gpu.utilization', { host: s.host, gpu: s.gpu }),
    ];
  },
  // The search's key holds the route's whole search, as the router builds it: the URL's
  // params with each route's validated ones over them.
  '/traces': (raw) => [
    servicesCall,
    traceSearchCall({ ...raw, ...validateRangeSearch(raw), ...validateTraceFilters(raw) }),
  ],
  // The trace's spans; its GPU chart's call needs their hosts and times.
  '/traces/view': (raw) =>
    typeof raw.id === 'string' && TRACE_ID.test(raw.id) ? [traceCall(raw.id)] : [],
};

/**
 * The calls that need the answers of a page's first calls (in their order), by path: sent as
 * soon as those answer, not once the app has run and its loader has read them.
 */
const NEXT_CALLS: Record<
  string,
  (raw: Record<string, unknown>, answers: unknown[]) => Array<RangeCall | FixedCall>
> = {
  // The score chart's series, for the model and baseline the page will pick (preload.ts).
  '/drift': (raw, [models, baselines]) => {
    const s = validateDriftSearch(raw);
    const pick = driftSelection(
      models as ModelDimensionsResponse,
      baselines as DriftBaselinesResponse,
      s.model,
      s.baseline,
    );
    return pick.model ? [driftSeriesCall(pick.model, pick.baseline?.id)] : [];
  },
};

/** A call of the opened page (see {@link SentCall}). */
export type FirstCall = SentCall;

/**
 * The first calls of the page at `pathname` with the URL's parsed search `raw` (as the router
 * parses it), their relative ranges resolved at `now`: the very keys and paths the page's
 * queries use (first-calls.test.ts holds them to it). None for a page not listed.
 *
 * @example
 * firstCalls('/', { from: 'now-1h', to: 'now' }, Date.now())
 * // [{ key: ['models', 'now-1h', 'now'], path: '/models?from=…&to=…' }, { key: ['overview-series', …], … }]
 */
export function firstCalls(
  pathname: string,
  raw: Record<string, unknown>,
  now: number,
): FirstCall[] {
  const calls = FIRST_CALLS[pathname];
  return calls ? sent(calls(raw), raw, now) : [];
}

/**
 * The calls of the page at `pathname` that wait for its first calls' `answers` (in the order
 * {@link firstCalls} gave them), their relative ranges resolved at `now`: the keys and paths
 * the page's queries will use once the app has read the same answers. None for a page
 * without such calls, or when the answers name nothing to ask for.
 */
export function nextCalls(
  pathname: string,
  raw: Record<string, unknown>,
  now: number,
  answers: unknown[],
): FirstCall[] {
  const calls = NEXT_CALLS[pathname];
  return calls ? sent(calls(raw, answers), raw, now) : [];
}

/** `calls` as sent over the URL's range resolved at `now`. */
function sent(
  calls: Array<RangeCall | PagedRangeCall | FixedCall>,
  raw: Record<string, unknown>,
  now: number,
): FirstCall[] {
  const search: RangeSearch = validateRangeSearch(raw);
  const r = resolveRange(search.from, search.to, now);
  return calls.map((c) => {
    if (typeof c.path === 'string') return { key: c.key, path: c.path };
    const call: FirstCall = { key: rangeKey(search, c.key), path: c.path(r) };
    if ('timed' in c && c.timed) call.timed = true;
    return 'paged' in c ? { ...call, pageRange: r } : call;
  });
}
