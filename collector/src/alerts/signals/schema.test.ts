import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decidesOwnBreach, durationMs, SIGNAL_KINDS, signalSchema } from './schema.js';

function issues(input: unknown): string[] {
  const r = signalSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('signalSchema', () => {
  it('accepts the README example as written', () => {
    const s = signalSchema.parse({ kind: 'latency', quantile: 0.95, model: 'gpt-4o-mini' });
    expect(s).toEqual({ kind: 'latency', quantile: 0.95, model: 'gpt-4o-mini' });
  });

  it('fills defaults', () => {
    expect(signalSchema.parse({ kind: 'tokens' })).toMatchObject({
      tokenType: 'total',
      per: 'window',
    });
    expect(signalSchema.parse({ kind: 'gpuTemperature', host: 'n1' })).toMatchObject({
      aggregation: 'avg',
      across: 'max',
    });
    expect(
      signalSchema.parse({ kind: 'slo', objective: { kind: 'errors' }, target: 0.999 }),
    ).toMatchObject({ period: '30d' });
  });

  it('names the offending field', () => {
    expect(issues({ kind: 'latency', quantile: 1.5 })).toEqual(['quantile']);
    expect(issues({ kind: 'latency' })).toEqual(['quantile']);
    expect(issues({ kind: 'ttft', quantile: 0.75 })).toEqual(['quantile']);
    expect(issues({ kind: 'latency', quantile: 0.75 })).toEqual([]);
    expect(issues({ kind: 'latency', quantile: 0.9, modle: 'x' })).toEqual(['']);
    expect(issues({ kind: 'nope' })).toEqual(['kind']);
    expect(issues({ kind: 'metric', name: 'm', aggregation: 'p999x' })).toEqual(['aggregation']);
    expect(issues({ kind: 'slo', objective: { kind: 'latency' }, target: 0.99 })).toEqual([
      'objective.thresholdMs',
    ]);
    expect(issues({ kind: 'slo', objective: { kind: 'errors' }, target: 1 })).toEqual(['target']);
    expect(issues({ kind: 'budget', limitUsd: 10, window: '30 days' })).toEqual(['window']);
    expect(issues({ kind: 'budget', limitUsd: 10, window: '0s' })).toEqual(['window']);
    expect(
      issues({ kind: 'slo', objective: { kind: 'errors' }, target: 0.9, period: '1h' }),
    ).toEqual(['period']);
    const of = { kind: 'errorRate' };
    expect(issues({ kind: 'anomaly', of, seasonality: 'weekly', minHistory: 9 })).toEqual([
      'minHistory',
    ]);
    expect(issues({ kind: 'anomaly', of, seasonality: 'daily', minHistory: 14 })).toEqual([]);
  });

  it('takes the common filters (each kind those it can honour)', () => {
    const filters = {
      service: 's',
      model: 'm',
      version: 'v',
      variant: 'b',
      provider: 'p',
      operation: 'chat',
      host: 'h',
      gpu: 'GPU-1',
      attributes: { 'user.id': 'u1' },
    };
    expect(signalSchema.parse({ kind: 'metric', name: 'x', ...filters })).toEqual({
      kind: 'metric',
      name: 'x',
      aggregation: 'avg',
      ...filters,
    });
    const { gpu: _, ...inference } = filters;
    expect(signalSchema.parse({ kind: 'errorRate', ...inference })).toEqual({
      kind: 'errorRate',
      ...inference,
    });
  });

  it('nests a base signal in anomaly and two sides in composite', () => {
    const a = signalSchema.parse({
      kind: 'anomaly',
      of: { kind: 'throughput', model: 'm' },
      seasonality: 'weekly',
    });
    expect(a).toMatchObject({ of: { kind: 'throughput' }, threshold: 3, seasonality: 'weekly' });
    expect(issues({ kind: 'anomaly', of: { kind: 'composite', signals: [] } })).toEqual([
      'of.kind',
    ]);
    const composite = {
      kind: 'composite',
      signals: [
        {
          signal: { kind: 'ttft', quantile: 0.95, model: 'm' },
          condition: { op: '>', threshold: 2000 },
        },
        { signal: { kind: 'gpuThrottling', model: 'm' }, condition: { op: '>', threshold: 0 } },
      ],
    };
    expect(signalSchema.parse(composite)).toMatchObject({ op: 'and' });
    const noCond = { ...composite, signals: [composite.signals[0], { signal: { kind: 'cost' } }] };
    expect(issues(noCond)).toEqual(['signals.1.condition']);
    expect(issues({ ...composite, signals: [composite.signals[0]] })).toEqual(['signals']);
  });

  it('lists which kinds decide their own breach', () => {
    expect(SIGNAL_KINDS.filter(decidesOwnBreach).sort()).toEqual([
      'absence',
      'anomaly',
      'composite',
      'slo',
    ]);
    expect(SIGNAL_KINDS).toHaveLength(22);
  });

  it('reads durations', () => {
    expect(durationMs('30d')).toBe(2_592_000_000);
    expect(durationMs('1.5h')).toBe(5_400_000);
    expect(durationMs('250ms')).toBe(250);
  });
});

describe('scope of filters and SLO thresholds', () => {
  it('refuses filters a kind cannot honour, naming the field', () => {
    expect(issues({ kind: 'latency', quantile: 0.5, gpu: 'GPU-1' })).toEqual(['gpu']);
    expect(issues({ kind: 'gpuPower', variant: 'canary' })).toEqual(['variant']);
    expect(issues({ kind: 'drift', host: 'h' })).toEqual(['host']);
    expect(issues({ kind: 'absence', gpu: 'g' })).toEqual(['gpu']);
    expect(issues({ kind: 'absence', metric: 'hw.power', gpu: 'g' })).toEqual([]);
    expect(issues({ kind: 'anomaly', model: 'm', of: { kind: 'cost', gpu: 'g' } }).sort()).toEqual([
      'model',
      'of.gpu',
    ]);
    expect(
      issues({
        kind: 'composite',
        signals: [
          { signal: { kind: 'cost' }, condition: { op: '>', threshold: 1 } },
          { signal: { kind: 'gpuPower', provider: 'x' }, condition: { op: '>', threshold: 1 } },
        ],
      }),
    ).toEqual(['signals.1.signal.provider']);
  });

  it('needs an SLO latency threshold on a bucket boundary and names the nearest', () => {
    const r = signalSchema.safeParse({
      kind: 'slo',
      objective: { kind: 'ttft', thresholdMs: 2000 },
      target: 0.99,
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['objective', 'thresholdMs']);
    expect(r.error?.issues[0]?.message).toContain('nearest are 1280 or 2560 ms');
    expect(
      issues({ kind: 'slo', objective: { kind: 'ttft', thresholdMs: 2560 }, target: 0.99 }),
    ).toEqual([]);
  });
});

describe('malformed signals', () => {
  it('are refused with issues, never a throw', () => {
    const bad: unknown[] = [
      null,
      'latency',
      42,
      [],
      {},
      { kind: 'anomaly' },
      { kind: 'anomaly', of: 5 },
      { kind: 'anomaly', of: { kind: 'anomaly' } },
      { kind: 'anomaly', of: { kind: 'errorRate' }, seasonality: 'hourly', minHistory: 99 },
      { kind: 'composite' },
      { kind: 'composite', signals: 'x' },
      { kind: 'composite', signals: [null, 5] },
      { kind: 'composite', signals: [{ signal: 5 }, { signal: { kind: 'x' } }] },
      { kind: 'slo', objective: 7, target: 2 },
      { kind: 'slo', objective: { kind: 'ttft', thresholdMs: 'x' }, target: 0.9 },
      { kind: 'budget', limitUsd: -1, by: { attribute: 7 }, window: 5 },
      { kind: 'latency', quantile: Number.NaN, attributes: 'x', gpu: 5 },
    ];
    for (const input of bad) {
      const r = signalSchema.safeParse(input);
      expect(r.success, JSON.stringify(input)).toBe(false);
    }
  });

  it('survive arbitrary JSON around each kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SIGNAL_KINDS),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (kind, rest) => {
          signalSchema.safeParse({ ...rest, kind });
          signalSchema.safeParse({ kind: 'anomaly', of: { ...rest, kind } });
          signalSchema.safeParse({
            kind: 'composite',
            signals: [{ signal: { ...rest, kind } }, rest],
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
