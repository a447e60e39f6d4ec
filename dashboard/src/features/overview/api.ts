import type {
  AlertsResponse,
  ChangesResponse,
  DriftSeriesResponse,
  ModelSeriesResponse,
  ModelsResponse,
  SlowestResponse,
} from '@aiobs/api-types';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { api, toQuery } from '../../lib/api-client.js';
import { refreshMs } from '../../lib/search.js';
import { type ResolvedRange, resolveRange, stepFor } from '../../lib/time-range.js';
import { useRangeQuery, useRangeSearch } from '../../lib/use-range.js';
import { useBaselines } from '../drift/api.js';

/** Every model's figures over the range (cost per model, totals). */
export function useModels() {
  return useRangeQuery(['models'], (r: ResolvedRange, signal) =>
    api<ModelsResponse>(`/models${toQuery({ from: r.from, to: r.to })}`, { signal }),
  );
}

/** The fleet-wide series behind the overview's charts (all models together). */
export function useOverviewSeries() {
  return useRangeQuery(['overview-series'], (r: ResolvedRange, signal) =>
    api<ModelSeriesResponse>(
      `/models/series${toQuery({
        from: r.from,
        to: r.to,
        step: stepFor(r.fromMs, r.toMs),
        metric:
          'requests,errorRate,latencyP50,latencyP95,latencyP99,ttftP50,ttftP95,tokensPerS,cost',
      })}`,
      { signal },
    ),
  );
}

/** The slowest inferences of the range. */
export function useSlowest(limit = 10, model?: string) {
  return useRangeQuery(['slowest', limit, model], (r: ResolvedRange, signal) =>
    api<SlowestResponse>(`/models/slowest${toQuery({ from: r.from, to: r.to, limit, model })}`, {
      signal,
    }),
  );
}

/** New models, versions and variants of the range (chart annotations). */
export function useChanges() {
  return useRangeQuery(['changes'], (r: ResolvedRange, signal) =>
    api<ChangesResponse>(`/changes${toQuery({ from: r.from, to: r.to })}`, { signal }),
  );
}

/**
 * The alerts firing now (not range-bound). Keyed under `alerts`, so whatever refreshes the
 * Alerts page's list (a rule created or deleted) refreshes this one too.
 */
export function useFiringAlerts() {
  const search = useRangeSearch();
  return useQuery({
    queryKey: ['alerts', 'firing'],
    queryFn: ({ signal }) => api<AlertsResponse>('/alerts?state=firing', { signal }),
    refetchInterval: refreshMs(search.refresh),
  });
}

/** Most models whose drift verdicts annotate the Overview (one request each). */
export const MAX_DRIFT_MODELS = 10;

/**
 * The stored drift verdicts of the range for each of `models` that has a default baseline
 * (the scheduled job only judges those), at most {@link MAX_DRIFT_MODELS}. `step` is the
 * whole range: when the range has no stored results the route computes instead, and one
 * window is its cheapest answer (the Overview leaves computed answers out anyway). A failed
 * request only loses its annotations.
 */
export function useDriftVerdicts(models: string[] | undefined) {
  const search = useRangeSearch();
  const baselines = useBaselines();
  const wanted = new Set(models ?? []);
  const defaults = (baselines.data?.baselines ?? [])
    .filter((b) => b.isDefault && wanted.has(b.model))
    .slice(0, MAX_DRIFT_MODELS);
  return useQueries({
    queries: defaults.map((b) => ({
      queryKey: ['drift-verdicts', b.id, search.from, search.to],
      queryFn: ({ signal }: { signal: AbortSignal }) => {
        const r = resolveRange(search.from, search.to, Date.now());
        const step = `${Math.max(60, Math.ceil((r.toMs - r.fromMs) / 1000))}s`;
        return api<DriftSeriesResponse>(
          `/drift/series${toQuery({ baseline: b.id, measure: 'auto', from: r.from, to: r.to, step })}`,
          { signal },
        );
      },
      refetchInterval: refreshMs(search.refresh),
      placeholderData: keepPreviousData,
      retry: false,
    })),
    combine: (results) => results.flatMap((q) => (q.data ? [q.data] : [])),
  });
}
