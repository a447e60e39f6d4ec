import type { InferenceStats, ModelCompareResponse, ModelSeriesResponse } from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import { compareRows, sparklineOf } from './prepare.js';

function stats(over: Partial<InferenceStats>): InferenceStats {
  return {
    requests: 100,
    errors: 0,
    errorRate: 0,
    latencyP50Ms: 100,
    latencyP90Ms: 150,
    latencyP95Ms: 200,
    latencyP99Ms: 300,
    latencyMeanMs: 110,
    streams: 0,
    ttftP50Ms: null,
    ttftP95Ms: null,
    queueWaitP95Ms: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheHits: 0,
    cacheHitRate: null,
    costUsd: 0,
    ...over,
  };
}

function compare(a: InferenceStats, b: InferenceStats): ModelCompareResponse {
  const delta = {} as Record<keyof InferenceStats, number | null>;
  const ratio = {} as Record<keyof InferenceStats, number | null>;
  for (const k of Object.keys(a) as Array<keyof InferenceStats>) {
    const x = a[k];
    const y = b[k];
    delta[k] = x === null || y === null ? null : y - x;
    ratio[k] = x === null || y === null || x === 0 ? null : y / x;
  }
  return {
    from: '',
    to: '',
    level: 'raw',
    model: 'm',
    a: { dimension: 'version', value: 'v1', ...a },
    b: { dimension: 'version', value: 'v2', ...b },
    delta,
    ratio,
  };
}

describe('compareRows', () => {
  it('gives each figure of both arms, the difference and the relative change', () => {
    const rows = compareRows(compare(stats({}), stats({ latencyP95Ms: 120, errorRate: 0.2 })));
    expect(rows.map((r) => r.key)).toEqual([
      'requests',
      'errorRate',
      'latencyP50Ms',
      'latencyP95Ms',
      'latencyP99Ms',
      'ttftP95Ms',
      'queueWaitP95Ms',
      'cacheHitRate',
      'outputTokens',
      'costUsd',
    ]);
    const p95 = rows.find((r) => r.key === 'latencyP95Ms')!;
    expect(p95).toMatchObject({ a: 200, b: 120, delta: -80 });
    expect(p95.change).toBeCloseTo(-0.4);
    // A rise from zero has no ratio.
    expect(rows.find((r) => r.key === 'errorRate')).toMatchObject({ a: 0, b: 0.2, change: null });
    expect(rows.find((r) => r.key === 'ttftP95Ms')).toMatchObject({
      a: null,
      b: null,
      delta: null,
    });
  });
});

describe('sparklineOf', () => {
  it('picks the model line', () => {
    const res: ModelSeriesResponse = {
      from: '',
      to: '',
      level: '1m',
      stepMs: 60_000,
      metrics: ['requests'],
      series: [
        {
          group: { model: 'x' },
          points: [
            { time: 't', requests: 3 },
            { time: 'u', requests: null },
          ],
        },
      ],
    };
    expect(sparklineOf(res, 'x')).toEqual([3, null]);
    expect(sparklineOf(res, 'y')).toEqual([]);
    expect(sparklineOf(undefined, 'x')).toEqual([]);
  });
});
