import type { ModelSummary } from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import { costByModel, overviewTotals } from './prepare.js';

function model(name: string, over: Partial<ModelSummary>): ModelSummary {
  return {
    model: name,
    providers: [],
    versions: [],
    variants: [],
    services: [],
    operations: [],
    requests: 0,
    errors: 0,
    errorRate: null,
    latencyP50Ms: null,
    latencyP90Ms: null,
    latencyP95Ms: null,
    latencyP99Ms: null,
    latencyMeanMs: null,
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

describe('overviewTotals', () => {
  it('sums requests, errors, cost and tokens and finds the worst p95', () => {
    const t = overviewTotals(
      [
        model('a', { requests: 90, errors: 9, costUsd: 1.5, outputTokens: 600, latencyP95Ms: 300 }),
        model('b', { requests: 30, errors: 3, costUsd: 0.5, outputTokens: 0, latencyP95Ms: 900 }),
      ],
      60_000,
    );
    expect(t).toEqual({
      requests: 120,
      requestsPerSecond: 2,
      errorRate: 0.1,
      costUsd: 2,
      outputTokensPerSecond: 10,
      worstP95Ms: 900,
      worstP95Model: 'b',
    });
  });
  it('has no error rate without requests', () => {
    expect(overviewTotals([], 60_000).errorRate).toBeNull();
    expect(overviewTotals([], 60_000).worstP95Model).toBeNull();
  });
});

describe('costByModel', () => {
  it('sorts by cost with shares', () => {
    expect(costByModel([model('a', { costUsd: 1 }), model('b', { costUsd: 3 })])).toEqual([
      { model: 'b', costUsd: 3, share: 0.75 },
      { model: 'a', costUsd: 1, share: 0.25 },
    ]);
    expect(costByModel([model('z', {})])[0]!.share).toBe(0);
  });
});
