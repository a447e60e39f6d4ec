import type {
  AlertsResponse,
  ChangesResponse,
  DriftBaselinesResponse,
  DriftSeriesResponse,
  ModelDimensionsResponse,
  ModelSeriesResponse,
  ModelsResponse,
  SlowestResponse,
} from '@aiobs/api-types';
import { keepPreviousData, queryOptions, useQueries, useQuery } from '@tanstack/react-query';
import { api, toQuery } from '../../lib/api-client.js';
import { type RangeSearch, refreshMs } from '../../lib/search.js';
import { type ResolvedRange, resolveRange } from '../../lib/time-range.js';
import { callQuery, rangeQuery, useRangeSearch } from '../../lib/use-range.js';
import { useBaselines } from '../drift/api.js';
import { modelDimensionsCall, modelsCall, overviewSeriesCallFor } from './calls.js';
import type { OverviewSplit } from './search.js';

/** Every model's figures over `search`'s range (cost per model, totals). */
export function modelsQuery(search: RangeSearch) {
  return callQuery<ModelsResponse>(search, modelsCall);
}

/** Every model's figures over the URL's range. */
export function useModels() {
  return useQuery(modelsQuery(useRangeSearch()));
}

/** Every model over `search`'s range with the values it was served with (the pickers). */
export function modelDimensionsQuery(search: RangeSearch) {
  return callQuery<ModelDimensionsResponse>(search, modelDimensionsCall);
}

/** Every model over the URL's range with the values it was served with (the pickers). */
export function useModelDimensions() {
  return useQuery(modelDimensionsQuery(useRangeSearch()));
}

/**
 * The series behind the overview's charts: all models together, or one line per model with
 * `split`. While a new range loads, the previous answer stays on screen, but only an answer
 * of the same split: a fleet-wide answer drawn as per-model lines (or the reverse) would be
 * wrong, so a toggle shows the panels loading instead.
 */
export function overviewSeriesQuery(search: RangeSearch, split?: OverviewSplit) {
  const call = overviewSeriesCallFor(split);
  return {
    ...callQuery<ModelSeriesResponse>(search, call),
    placeholderData: (
      previous: ModelSeriesResponse | undefined,
      previousQuery: { queryKey: readonly unknown[] } | undefined,
    ) => (previousQuery?.queryKey[0] === call.key[0] ? previous : undefined),
  };
}

/** The overview's series over the URL's range, split as `split` says. */
export function useOverviewSeries(split?: OverviewSplit) {
  return useQuery(overviewSeriesQuery(useRangeSearch(), split));
}

/** The slowest inferences of `search`'s range. */
export function slowestQuery(search: RangeSearch, limit = 10, model?: string) {
  return rangeQuery(search, ['slowest', limit, model], (r: ResolvedRange, signal) =>
    api<SlowestResponse>(`/models/slowest${toQuery({ from: r.from, to: r.to, limit, model })}`, {
      signal,
    }),
  );
}

/** The slowest inferences of the URL's range. */
export function useSlowest(limit = 10, model?: string) {
  return useQuery(slowestQuery(useRangeSearch(), limit, model));
}

/** New models, versions and variants of `search`'s range (chart annotations). */
export function changesQuery(search: RangeSearch) {
  return rangeQuery(search, ['changes'], (r: ResolvedRange, signal) =>
    api<ChangesResponse>(`/changes${toQuery({ from: r.from, to: r.to })}`, { signal }),
  );
}

/** New models, versions and variants of the URL's range. */
export function useChanges() {
  return useQuery(changesQuery(useRangeSearch()));
}

/**
 * The alerts firing now (not range-bound). Keyed under `alerts`, so whatever refreshes the
 * Alerts page's list (a rule created or deleted) refreshes this one too.
 */
export function firingAlertsQuery(search: RangeSearch) {
  return queryOptions({
    queryKey: ['alerts', 'firing'],
    queryFn: ({ signal }) => api<AlertsResponse>('/alerts?state=firing', { signal }),
    refetchInterval: refreshMs(search.refresh),
  });
}

/** The alerts firing now. */
export function useFiringAlerts() {
  return useQuery(firingAlertsQuery(useRangeSearch()));
}

/** Most models whose drift verdicts annotate the Overview (one request each). */
export const MAX_DRIFT_MODELS = 10;

/**
 * The default baselines whose verdicts annotate the Overview: those of `models` (the scheduled
 * job only judges default baselines), at most {@link MAX_DRIFT_MODELS}.
 */
export function verdictBaselines(
  baselines: DriftBaselinesResponse | undefined,
  models: string[] | undefined,
): DriftBaselinesResponse['baselines'] {
  const wanted = new Set(models ?? []);
  return (baselines?.baselines ?? [])
    .filter((b) => b.isDefault && wanted.has(b.model))
    .slice(0, MAX_DRIFT_MODELS);
}

/**
 * The stored drift verdicts of `search`'s range against one baseline. `source=stored`: the
 * route never computes windows for the Overview (it showed only stored verdicts and threw a
 * computed answer away, at four engine queries per window). A failed request only loses its
 * annotations.
 */
export function driftVerdictsQuery(search: RangeSearch, baseline: string) {
  return queryOptions({
    queryKey: ['drift-verdicts', baseline, search.from, search.to],
    queryFn: ({ signal }: { signal: AbortSignal }) => {
      const r = resolveRange(search.from, search.to, Date.now());
      return api<DriftSeriesResponse>(
        `/drift/series${toQuery({ baseline, measure: 'auto', from: r.from, to: r.to, source: 'stored' })}`,
        { signal },
      );
    },
    refetchInterval: refreshMs(search.refresh),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/**
 * The stored drift verdicts of the URL's range for each of `models` with a default baseline,
 * once every one of them has answered (or failed): each new set of annotations redraws every
 * chart of the Overview, so they arrive together rather than one model at a time.
 */
export function useDriftVerdicts(models: string[] | undefined) {
  const search = useRangeSearch();
  const baselines = useBaselines();
  return useQueries({
    queries: verdictBaselines(baselines.data, models).map((b) => driftVerdictsQuery(search, b.id)),
    combine: (results) =>
      results.some((q) => q.isPending && q.fetchStatus === 'fetching')
        ? []
        : results.flatMap((q) => (q.data ? [q.data] : [])),
  });
}
