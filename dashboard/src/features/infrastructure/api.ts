import type {
  GpuSeriesResponse,
  GpusResponse,
  HostsResponse,
  ModelGpuResponse,
} from '@aiobs/api-types';
import { api, toQuery } from '../../lib/api-client.js';
import { type ResolvedRange, stepFor } from '../../lib/time-range.js';
import { useRangeQuery } from '../../lib/use-range.js';

/** Hosts that reported in the range, with their latest host metrics. */
export function useHosts() {
  return useRangeQuery(['hosts'], (r: ResolvedRange, signal) =>
    api<HostsResponse>(`/hosts${toQuery({ from: r.from, to: r.to })}`, { signal }),
  );
}

/** Every GPU's latest sample in the range (optionally of one host). */
export function useGpus(host?: string) {
  return useRangeQuery(['gpus', host], (r: ResolvedRange, signal) =>
    api<GpusResponse>(`/gpus${toQuery({ from: r.from, to: r.to, host })}`, { signal }),
  );
}

/** One GPU metric over the range, one series per GPU (and attribute set), about 60 buckets. */
export function useGpuSeries(
  metric: string,
  filter: { host?: string; gpu?: string },
  agg: 'avg' | 'max' = 'avg',
) {
  return useRangeQuery(['gpu-series', metric, filter.host, filter.gpu, agg], (r, signal) =>
    api<GpuSeriesResponse>(
      `/gpus/series${toQuery({
        metric,
        agg,
        host: filter.host,
        gpu: filter.gpu,
        from: r.from,
        to: r.to,
        step: stepFor(r.fromMs, r.toMs),
      })}`,
      { signal },
    ),
  );
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
