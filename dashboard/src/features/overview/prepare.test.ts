import type {
  AlertStatus,
  Change,
  DriftSeriesResponse,
  GpuSummary,
  HostSummary,
  LatestMetric,
  ModelSummary,
} from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import {
  costByModel,
  type DriftArea,
  driftAreas,
  fleetSummary,
  formatAge,
  modelRows,
  overviewTotals,
  sortFiring,
  whatChanged,
} from './prepare.js';

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
      unpricedModels: [],
      outputTokensPerSecond: 10,
      worstP95Ms: 900,
      worstP95Model: 'b',
    });
  });
  it('leaves models without a price out of the cost, and has no cost when none has one', () => {
    const unpriced = model('u', { costUsd: 0, inputTokens: 10 });
    const some = overviewTotals([model('p', { costUsd: 2, inputTokens: 5 }), unpriced], 60_000);
    expect(some).toMatchObject({ costUsd: 2, unpricedModels: ['u'] });
    expect(overviewTotals([unpriced], 60_000)).toMatchObject({
      costUsd: null,
      unpricedModels: ['u'],
    });
    // No tokens, no cost: free, not unpriced.
    expect(overviewTotals([model('f', {})], 60_000)).toMatchObject({
      costUsd: 0,
      unpricedModels: [],
    });
  });
  it('has no error rate without requests', () => {
    expect(overviewTotals([], 60_000).errorRate).toBeNull();
    expect(overviewTotals([], 60_000).worstP95Model).toBeNull();
  });
});

describe('modelRows', () => {
  it('gives each model its rates over the range, busiest first', () => {
    const rows = modelRows(
      [
        model('small', { requests: 6, inputTokens: 60, outputTokens: 0, costUsd: 0.25 }),
        model('big', {
          requests: 120,
          errors: 6,
          errorRate: 0.05,
          latencyP50Ms: 200,
          latencyP95Ms: 400,
          latencyP99Ms: 900,
          ttftP50Ms: 80,
          ttftP95Ms: 150,
          inputTokens: 1200,
          outputTokens: 600,
          costUsd: 1.5,
        }),
      ],
      60_000,
    );
    expect(rows).toEqual([
      {
        model: 'big',
        requests: 120,
        requestsPerSecond: 2,
        latencyP50Ms: 200,
        latencyP95Ms: 400,
        latencyP99Ms: 900,
        errorRate: 0.05,
        ttftP50Ms: 80,
        ttftP95Ms: 150,
        tokensPerSecond: 30,
        costUsd: 1.5,
      },
      expect.objectContaining({ model: 'small', requestsPerSecond: 0.1, tokensPerSecond: 1 }),
    ]);
  });
  it('tells a model without a price (tokens at no cost) from one that used none', () => {
    const rows = modelRows(
      [model('unpriced', { requests: 10, outputTokens: 5 }), model('tabular', { requests: 10 })],
      60_000,
    );
    expect(rows.map((r) => [r.model, r.costUsd])).toEqual([
      ['tabular', 0],
      ['unpriced', null],
    ]);
  });
  it('keeps missing percentiles null and never divides by less than a second', () => {
    const [row] = modelRows([model('m', { requests: 3 })], 0);
    expect(row).toMatchObject({ requestsPerSecond: 3, latencyP95Ms: null, ttftP50Ms: null });
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
  it('gives a model that used tokens at no cost no price, not $0, and puts it last', () => {
    const rows = costByModel([
      model('unpriced', { costUsd: 0, inputTokens: 10, outputTokens: 5 }),
      model('free', { costUsd: 0 }),
      model('paid', { costUsd: 2, inputTokens: 1 }),
    ]);
    expect(rows).toEqual([
      { model: 'paid', costUsd: 2, share: 1 },
      { model: 'free', costUsd: 0, share: 0 },
      { model: 'unpriced', costUsd: null, share: null },
    ]);
  });
});

const metric = (name: string, value: number, attributes: Record<string, string> = {}) =>
  ({ name, unit: '', attributes, value, time: '2026-12-02T00:00:00.000Z' }) as LatestMetric;
const gpu = (host: string, name: string, metrics: LatestMetric[]): GpuSummary => ({
  hostName: host,
  id: `GPU-${host}-${name}`,
  name,
  vendor: 'NVIDIA',
  model: 'NVIDIA H200',
  lastSeen: '2026-12-02T00:00:00.000Z',
  metrics,
});
const host = (name: string): HostSummary => ({
  hostName: name,
  lastSeen: '2026-12-02T00:00:00.000Z',
  gpuCount: 0,
  metrics: [],
});

describe('fleetSummary', () => {
  it('counts hosts and GPUs, averages utilization, sums memory, finds the hottest and throttled', () => {
    const f = fleetSummary(
      [
        gpu('a', 'GPU 0', [
          metric('hw.gpu.utilization', 0.5, { 'hw.gpu.task': 'general' }),
          // Engine-level utilization is not the GPU's.
          metric('hw.gpu.utilization', 0.99, { 'hw.gpu.task': 'decoder' }),
          metric('hw.gpu.memory.usage', 40e9),
          metric('hw.gpu.memory.limit', 141e9),
          metric('hw.temperature', 61),
          metric('aiobs.gpu.throttle.active', 0, { 'aiobs.gpu.throttle.reason': 'hw_slowdown' }),
        ]),
        gpu('b', 'GPU 0', [
          metric('hw.gpu.utilization', 0.8),
          metric('hw.gpu.memory.usage', 60e9),
          metric('hw.temperature', 72),
          metric('aiobs.gpu.throttle.active', 1, { 'aiobs.gpu.throttle.reason': 'sw_power_cap' }),
        ]),
        gpu('b', 'GPU 1', []),
      ],
      [host('a'), host('cpu-only')],
    );
    expect(f).toEqual({
      hosts: 3,
      gpus: 3,
      meanUtilization: 0.65,
      maxUtilization: 0.8,
      memoryUsedBytes: 100e9,
      memoryLimitBytes: 141e9,
      hottest: { label: 'b GPU 0', temperatureC: 72 },
      throttling: 1,
    });
  });
  it('has no figures without GPUs', () => {
    expect(fleetSummary([], [host('a')])).toMatchObject({
      hosts: 1,
      gpus: 0,
      meanUtilization: null,
      maxUtilization: null,
      memoryLimitBytes: null,
      hottest: null,
      throttling: 0,
    });
  });
});

const alert = (name: string, over: Partial<AlertStatus>): AlertStatus => ({
  ruleId: name,
  ruleName: name,
  state: 'firing',
  severity: 'critical',
  labels: {},
  annotations: {},
  fingerprint: name,
  value: 1,
  activeAt: null,
  firingSince: '2026-12-02T00:00:00.000Z',
  resolvedAt: null,
  lastEvaluatedAt: null,
  error: null,
  seq: 1,
  enabled: true,
  ...over,
});

describe('firing alerts', () => {
  it('only firing ones, critical before warning before none, the longest-firing first', () => {
    const sorted = sortFiring([
      alert('warn', { severity: 'warning', firingSince: '2026-12-01T00:00:00.000Z' }),
      alert('none', { severity: null }),
      alert('new', { firingSince: '2026-12-02T01:00:00.000Z' }),
      alert('old', { firingSince: '2026-12-02T00:30:00.000Z' }),
      alert('pending', { state: 'pending' }),
    ]);
    expect(sorted.map((a) => a.ruleName)).toEqual(['old', 'new', 'warn', 'none']);
  });
  it('ages read coarsely', () => {
    expect(formatAge(45_000)).toBe('45 s');
    expect(formatAge(-5)).toBe('0 s');
    expect(formatAge(12 * 60_000 + 5000)).toBe('12 min');
    expect(formatAge(3 * 3_600_000)).toBe('3 h');
    expect(formatAge(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatAge(52 * 3_600_000)).toBe('2 d 4 h');
  });
});

const T = Date.parse('2026-12-02T00:00:00.000Z');
const MIN = 60_000;
const win = (i: number, verdict: string, step = 5 * MIN) => ({
  from: new Date(T + i * step).toISOString(),
  to: new Date(T + (i + 1) * step).toISOString(),
  score: 0.3,
  pValue: null,
  verdict,
  referenceCount: 1000,
  currentCount: 200,
});
const drift = (
  model: string,
  series: Array<{ feature: string; version?: string; verdicts: string[] }>,
  source: 'stored' | 'computed' = 'stored',
) =>
  ({
    model,
    baseline: `${model}-b`,
    source,
    measure: 'auto',
    stepMs: 5 * MIN,
    from: new Date(T).toISOString(),
    to: new Date(T + 60 * MIN).toISOString(),
    series: series.map((s) => ({
      kind: 'feature',
      feature: s.feature,
      version: s.version ?? '',
      variant: '',
      points: s.verdicts.map((v, i) => win(i, v)),
    })),
  }) as DriftSeriesResponse;

describe('driftAreas', () => {
  it('takes each window’s worst verdict and merges consecutive windows with the same one', () => {
    const areas = driftAreas([
      drift('fraud', [
        { feature: 'amount', verdicts: ['no_drift', 'moderate', 'drift', 'drift', 'no_drift'] },
        {
          feature: 'country',
          version: 'v2',
          verdicts: ['no_drift', 'moderate', 'moderate', 'drift', 'insufficient_data'],
        },
      ]),
    ]);
    expect(areas).toEqual([
      {
        model: 'fraud',
        fromMs: T + 5 * MIN,
        toMs: T + 10 * MIN,
        verdict: 'moderate',
        features: ['amount', 'country · v2'],
      },
      {
        model: 'fraud',
        fromMs: T + 10 * MIN,
        toMs: T + 20 * MIN,
        verdict: 'drift',
        features: ['amount', 'country · v2'],
      },
    ]);
  });
  it('leaves out computed answers and gaps split areas', () => {
    expect(driftAreas([drift('m', [{ feature: 'x', verdicts: ['drift'] }], 'computed')])).toEqual(
      [],
    );
    const split = driftAreas([
      drift('m', [{ feature: 'x', verdicts: ['drift', 'no_drift', 'drift'] }]),
    ]);
    expect(split.map((a) => [a.fromMs - T, a.toMs - T])).toEqual([
      [0, 5 * MIN],
      [10 * MIN, 15 * MIN],
    ]);
  });
});

describe('whatChanged', () => {
  const change = (kind: Change['kind'], firstSeen: string, over: Partial<Change> = {}): Change => ({
    kind,
    model: 'acme/chat',
    firstSeen,
    lastSeen: firstSeen,
    requests: 10,
    ...over,
  });
  const area: DriftArea = {
    model: 'fraud',
    fromMs: T + 10 * MIN,
    toMs: T + 20 * MIN,
    verdict: 'drift',
    features: ['a', 'b', 'c', 'd'],
  };

  it('numbers changes and drift areas in time order; same-minute changes share a marker', () => {
    const { annotations, items } = whatChanged(
      [
        change('version', '2026-12-02T00:25:07.000Z', { version: 'v2' }),
        change('variant', '2026-12-02T00:25:40.000Z', { variant: 'canary' }),
        change('model', '2026-12-02T00:02:00.000Z'),
      ],
      [area],
      T,
      T + 60 * MIN,
    );
    expect(annotations).toEqual([
      { t: T + 2 * MIN, marker: '1', label: 'new model acme/chat', tone: 'change' },
      {
        t: T + 10 * MIN,
        toT: T + 20 * MIN,
        marker: '2',
        label: 'drift in fraud: a, b, c +1 (00:10–00:20 UTC)',
        tone: 'drift',
      },
      {
        t: Date.parse('2026-12-02T00:25:07.000Z'),
        marker: '3',
        label: 'version v2 of acme/chat +1',
        tone: 'change',
      },
    ]);
    expect(items.map((i) => [i.marker, i.kind, i.label, i.requests])).toEqual([
      ['1', 'change', 'new model acme/chat', 10],
      ['2', 'drift', 'drift in fraud: a, b, c +1 (00:10–00:20 UTC)', undefined],
      ['3', 'change', 'version v2 of acme/chat', 10],
      ['3', 'change', 'variant canary of acme/chat', 10],
    ]);
  });
  it('drops what is outside the range and clips areas to it', () => {
    const { annotations } = whatChanged(
      [change('model', '2026-12-01T23:00:00.000Z')],
      [{ ...area, verdict: 'moderate' }],
      T + 15 * MIN,
      T + 60 * MIN,
    );
    expect(annotations).toEqual([
      {
        t: T + 15 * MIN,
        toT: T + 20 * MIN,
        marker: '1',
        label: 'moderate drift in fraud: a, b, c +1 (00:10–00:20 UTC)',
        tone: 'moderate',
      },
    ]);
  });
});
