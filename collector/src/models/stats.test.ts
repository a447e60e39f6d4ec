import { describe, expect, test } from 'vitest';
import { type Agg, diffStats, EMPTY_AGG, metricValue, SERIES_METRICS, toStats } from './stats.js';

const agg: Agg = {
  requests: 10,
  errors: 2,
  cacheHits: 5,
  streams: 4,
  queued: 0,
  inputTokens: 1000,
  outputTokens: 200,
  cacheReadTokens: 64,
  costUsd: 0.5,
  durationMsSum: 1234,
  latency: [100, 200, 300, 400],
  ttft: [10, 20, 30, 40],
  queueWait: [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
};

describe('stats', () => {
  test('rates are ratios, percentiles of empty sketches are null', () => {
    const s = toStats(agg);
    expect(s).toMatchObject({
      errorRate: 0.2,
      cacheHitRate: 0.5,
      latencyP50Ms: 100,
      latencyP90Ms: 200,
      latencyP95Ms: 300,
      latencyP99Ms: 400,
      latencyMeanMs: 123.4,
      ttftP50Ms: 10,
      ttftP95Ms: 30,
      queueWaitP95Ms: null,
    });
    const empty = toStats(EMPTY_AGG);
    expect(empty.requests).toBe(0);
    expect(empty.errorRate).toBeNull();
    expect(empty.latencyP95Ms).toBeNull();
    expect(empty.costUsd).toBe(0);
  });

  test('throughput is per second of the bucket', () => {
    expect(metricValue('tokensPerS', agg, 60_000)).toBe(20);
    expect(metricValue('outputTokensPerS', agg, 10_000)).toBe(20);
    expect(metricValue('cost', agg, 1)).toBe(0.5);
    for (const m of SERIES_METRICS) expect(metricValue(m, EMPTY_AGG, 1000)).not.toBeUndefined();
  });

  test('deltas and ratios, null where a side is null or the base is 0', () => {
    const a = toStats(agg);
    const b = toStats({ ...agg, requests: 20, errors: 2, latency: [150, 250, 360, 500] });
    const d = diffStats(a, b, 'delta');
    expect(d.requests).toBe(10);
    expect(d.errorRate).toBeCloseTo(-0.1, 12);
    expect(d.latencyP95Ms).toBe(60);
    expect(d.queueWaitP95Ms).toBeNull();
    const r = diffStats(a, b, 'ratio');
    expect(r.latencyP95Ms).toBeCloseTo(1.2, 12);
    expect(diffStats(toStats(EMPTY_AGG), b, 'ratio').requests).toBeNull();
  });
});
