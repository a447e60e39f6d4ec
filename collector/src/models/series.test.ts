import { describe, expect, test } from 'vitest';
import { shapeSeries } from './series.js';
import { type Agg, EMPTY_AGG } from './stats.js';

const of = (requests: number, p95: number): Agg => ({
  ...EMPTY_AGG,
  requests,
  latency: [p95 / 2, p95, p95, p95],
});

describe('shapeSeries', () => {
  test('one point per bucket, gaps filled with zero counts and null percentiles', () => {
    const series = shapeSeries([{ bucketMs: 60_000, group: {}, agg: of(3, 90) }], {
      fromMs: 0,
      toMs: 180_000,
      stepMs: 60_000,
      metrics: ['requests', 'latencyP95'],
    });
    expect(series).toEqual([
      {
        group: {},
        points: [
          { time: '1970-01-01T00:00:00.000Z', requests: 0, latencyP95: null },
          { time: '1970-01-01T00:01:00.000Z', requests: 3, latencyP95: 90 },
          { time: '1970-01-01T00:02:00.000Z', requests: 0, latencyP95: null },
        ],
      },
    ]);
  });

  test('groups become lines ordered by requests', () => {
    const series = shapeSeries(
      [
        { bucketMs: 0, group: { version: 'v1' }, agg: of(1, 10) },
        { bucketMs: 0, group: { version: 'v2' }, agg: of(5, 20) },
        { bucketMs: 60_000, group: { version: 'v1' }, agg: of(2, 30) },
      ],
      { fromMs: 0, toMs: 120_000, stepMs: 60_000, metrics: ['requests'] },
    );
    expect(series.map((s) => s.group.version)).toEqual(['v2', 'v1']);
    expect(series[1]!.points.map((p) => p.requests)).toEqual([1, 2]);
    expect(series[0]!.points.map((p) => p.requests)).toEqual([5, 0]);
  });

  test('no rows still give one line of empty buckets', () => {
    const series = shapeSeries([], {
      fromMs: 0,
      toMs: 120_000,
      stepMs: 60_000,
      metrics: ['errorRate'],
    });
    expect(series).toEqual([
      {
        group: {},
        points: [
          { time: '1970-01-01T00:00:00.000Z', errorRate: null },
          { time: '1970-01-01T00:01:00.000Z', errorRate: null },
        ],
      },
    ]);
  });
});
