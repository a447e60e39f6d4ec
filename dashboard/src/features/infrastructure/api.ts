import type {
  CollectorHealthResponse,
  GpuSeriesResponse,
  GpusResponse,
  HostsResponse,
  ModelGpuResponse,
} from '@aiobs/api-types';
import { useQuery } from '@tanstack/react-query';
import { api, toQuery } from '../../lib/api-client.js';
import type { RangeSearch } from '../../lib/search.js';
import { stepFor } from '../../lib/time-range.js';
import { callQuery, useRangeQuery, useRangeSearch } from '../../lib/use-range.js';
import { gpuSeriesCall, gpusCall, hostsCall } from './calls.js';

/** Hosts that reported in `search`'s range, with their latest host metrics. */
export function hostsQuery(search: RangeSearch) {
  return callQuery<HostsResponse>(search, hostsCall);
}

/** Hosts that reported in the URL's range. */
export function useHosts() {
  return useQuery(hostsQuery(useRangeSearch()));
}

/** Every GPU's latest sample in `search`'s range (optionally of one host). */
export function gpusQuery(search: RangeSearch, host?: string) {
  return callQuery<GpusResponse>(search, gpusCall(host));
}

/** Every GPU's latest sample in the URL's range (optionally of one host). */
export function useGpus(host?: string) {
  return useQuery(gpusQuery(useRangeSearch(), host));
}

/**
 * One GPU metric over `search`'s range, one series per GPU (and attribute set), about 60
 * buckets.
 */
export function gpuSeriesQuery(
  search: RangeSearch,
  metric: string,
  filter: { host?: string; gpu?: string },
  agg: 'avg' | 'max' = 'avg',
) {
  return callQuery<GpuSeriesResponse>(search, gpuSeriesCall(metric, filter, agg));
}

/** One GPU metric over the URL's range (see {@link gpuSeriesQuery}). */
export function useGpuSeries(
  metric: string,
  filter: { host?: string; gpu?: string },
  agg: 'avg' | 'max' = 'avg',
) {
  return useQuery(gpuSeriesQuery(useRangeSearch(), metric, filter, agg));
}

/** A model's latency with the GPUs of the hosts that served it, on one time axis. */
export function useModelGpu(model: string | undefined) {
  return useRangeQuery(
    ['model-gpu', model],
    (r, signal) =>
      api<ModelGpuResponse>(
        `/models/gpu${toQuery({ model, from: r.from, to: r.to, step: stepFor(r.fromMs, r.toMs) })}`,
        { signal },
      ),
    Boolean(model),
  );
}

/**
 * Every collector's health over the URL's range (`GET /api/v1/collectors`): the instance
 * admin's only (403 for anyone else), so call it only for them.
 */
export function useCollectorHealth(enabled = true) {
  return useRangeQuery(
    ['collectors'],
    (r, signal) =>
      api<CollectorHealthResponse>(`/collectors${toQuery({ from: r.from, to: r.to })}`, {
        signal,
      }),
    enabled,
  );
}
