import type {
  DriftBaselineDetail,
  DriftBaselinesResponse,
  DriftHistogramResponse,
  DriftResponse,
  DriftSeriesResponse,
} from '@aiobs/api-types';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, toQuery } from '../../lib/api-client.js';
import type { RangeSearch } from '../../lib/search.js';
import type { ResolvedRange } from '../../lib/time-range.js';
import { rangeQuery, useRangeQuery, useRangeSearch } from '../../lib/use-range.js';
import { baselinesCall, driftSeriesCall, referenceOf } from './calls.js';

/** Every stored baseline. */
export const baselinesQuery = queryOptions({
  queryKey: baselinesCall.key,
  queryFn: ({ signal }) => api<DriftBaselinesResponse>(baselinesCall.path, { signal }),
});

/** Every stored baseline. */
export function useBaselines() {
  return useQuery(baselinesQuery);
}

/**
 * Each feature's drift over `search`'s range against `baseline`, or without one against the
 * window just before the range.
 */
export function driftQuery(
  search: RangeSearch,
  model: string | undefined,
  baseline: string | undefined,
  enabled: boolean,
) {
  return rangeQuery(
    search,
    ['drift', model, baseline],
    (r: ResolvedRange, signal) =>
      api<DriftResponse>(
        `/drift${toQuery({
          model,
          from: r.from,
          to: r.to,
          ...referenceOf(r, baseline),
        })}`,
        { signal },
      ),
    Boolean(model) && enabled,
  );
}

/** Each feature's drift over the URL's range (see {@link driftQuery}). */
export function useDrift(
  model: string | undefined,
  baseline: string | undefined,
  enabled: boolean,
) {
  return useQuery(driftQuery(useRangeSearch(), model, baseline, enabled));
}

/** A drift series with the instant it was asked for (the "now" of a range ending now). */
export type TimedDriftSeries = DriftSeriesResponse & { requestedAtMs: number };

/**
 * PSI per window of every feature over `search`'s range against `baseline`, or without one
 * against the window just before the range (as {@link driftQuery}).
 */
export function driftSeriesQuery(
  search: RangeSearch,
  model: string,
  baseline: string | undefined,
  enabled = true,
) {
  const call = driftSeriesCall(model, baseline);
  return rangeQuery(
    search,
    call.key,
    async (r: ResolvedRange, signal): Promise<TimedDriftSeries> => {
      // Computing windows can take seconds: the request's own time, not the answer's, says
      // which window was still filling.
      const requestedAtMs = Date.now();
      const res = await api<DriftSeriesResponse>(call.path(r), { signal });
      return { ...res, requestedAtMs };
    },
    Boolean(model) && enabled,
  );
}

/** PSI per window over the URL's range (see {@link driftSeriesQuery}). */
export function useDriftSeries(model: string, baseline: string | undefined, enabled: boolean) {
  return useQuery(driftSeriesQuery(useRangeSearch(), model, baseline, enabled));
}

/**
 * One feature's reference and current distribution, against `baseline` or without one the
 * window just before the range.
 */
export function useDriftHistogram(
  model: string,
  baseline: string | undefined,
  feature: string | undefined,
  kind: 'feature' | 'prediction',
  enabled: boolean,
) {
  return useRangeQuery(
    ['drift-histogram', model, baseline, feature, kind],
    (r: ResolvedRange, signal) =>
      api<DriftHistogramResponse>(
        `/drift/histogram${toQuery({
          model,
          feature,
          kind,
          from: r.from,
          to: r.to,
          ...referenceOf(r, baseline),
        })}`,
        { signal },
      ),
    Boolean(model && feature) && enabled,
  );
}

/** What a new baseline pins: a model version, or a time range. */
export type NewBaseline =
  | { name: string; model: string; version: string; default?: boolean }
  | { name: string; model: string; from: string; to: string; default?: boolean };

/** Create, delete and make-default of baselines; each refreshes the list. */
export function useBaselineMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: baselinesCall.key });
  return {
    create: useMutation({
      mutationFn: (b: NewBaseline) =>
        api<DriftBaselineDetail>('/drift/baselines', { method: 'POST', body: JSON.stringify(b) }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) =>
        api<void>(`/drift/baselines/${encodeURIComponent(id)}`, { method: 'DELETE' }),
      onSuccess: done,
    }),
    makeDefault: useMutation({
      mutationFn: (id: string) =>
        api<unknown>(`/drift/baselines/${encodeURIComponent(id)}`, {
          method: 'PATCH',
          body: JSON.stringify({ default: true }),
        }),
      onSuccess: done,
    }),
  };
}
