import type {
  ChangesResponse,
  ModelSeriesResponse,
  ModelsResponse,
  SlowestResponse,
} from '@aiobs/api-types';
import { api, toQuery } from '../../lib/api-client.js';
import { type ResolvedRange, stepFor } from '../../lib/time-range.js';
import { useRangeQuery } from '../../lib/use-range.js';

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
