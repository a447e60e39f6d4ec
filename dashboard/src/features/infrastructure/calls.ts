import { toQuery } from '../../lib/api-client.js';
import type { RangeCall } from '../../lib/range-call.js';
import { stepFor } from '../../lib/time-range.js';

/** Hosts that reported in the range, with their latest host metrics. */
export const hostsCall: RangeCall = {
  key: ['hosts'],
  path: (r) => `/hosts${toQuery({ from: r.from, to: r.to })}`,
};

/** Every GPU's latest sample in the range (optionally of one host). */
export function gpusCall(host?: string): RangeCall {
  return { key: ['gpus', host], path: (r) => `/gpus${toQuery({ from: r.from, to: r.to, host })}` };
}

/** One GPU metric over the range, one series per GPU (and attribute set), about 60 buckets. */
export function gpuSeriesCall(
  metric: string,
  filter: { host?: string; gpu?: string },
  agg: 'avg' | 'max' = 'avg',
): RangeCall {
  return {
    key: ['gpu-series', metric, filter.host, filter.gpu, agg],
    path: (r) =>
      `/gpus/series${toQuery({
        metric,
        agg,
        host: filter.host,
        gpu: filter.gpu,
        from: r.from,
        to: r.to,
        step: stepFor(r.fromMs, r.toMs),
      })}`,
  };
}
