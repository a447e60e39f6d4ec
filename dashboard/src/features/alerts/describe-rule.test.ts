import type { AlertRule } from '@aiobs/api-types';
import { expect, test } from 'vitest';
import { describeRule, describeSignal } from './describe-rule.js';

test('a rule in one line: signal, filters, condition with its warning, window, for', () => {
  const r = {
    signal: { kind: 'latency', quantile: 0.95, model: 'acme/chat' },
    condition: { op: '>', threshold: 300 },
    window: '5m',
    for: '2m',
  } as unknown as AlertRule;
  expect(describeRule(r)).toBe('latency p95 of acme/chat > 300 over 5m for 2m');
  expect(
    describeRule({
      ...r,
      signal: { ...r.signal, quantile: 0.999, version: 'v2', attributes: { 'user.tier': 'gold' } },
      condition: { op: '>', threshold: 500, warning: 300 },
      for: '0s',
    }),
  ).toBe('latency p99.9 of acme/chat, version v2, user.tier=gold > 500 (warning 300) over 5m');
});

test('every kind in words', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ kind: 'ttft', quantile: 0.5 }, 'TTFT p50'],
    [{ kind: 'errorRate', service: 'bot' }, 'error rate of service bot'],
    [{ kind: 'tokens', tokenType: 'output', per: 's' }, 'output tokens/s'],
    [{ kind: 'queueDepth', aggregation: 'max' }, 'queue depth (max)'],
    [{ kind: 'drift', measure: 'ks', model: 'm' }, 'drift ks of the worst feature of m'],
    [{ kind: 'drift', measure: 'psi', feature: 'age' }, 'drift psi of feature “age”'],
    [{ kind: 'drift', measure: 'auto', feature: '' }, 'drift auto of the multivariate row'],
    [
      { kind: 'gpuMemory', aggregation: 'max', across: 'avg', unit: 'bytes' },
      'GPU memory bytes (max per GPU, avg across)',
    ],
    [{ kind: 'metric', name: 'hw.power', aggregation: 'p95' }, 'hw.power (p95)'],
    [{ kind: 'budget', limitUsd: 100, by: 'model' }, 'spend of the worst model / $100'],
    [{ kind: 'absence' }, 'absence of inferences'],
    [
      {
        kind: 'slo',
        objective: { kind: 'latency', thresholdMs: 1280 },
        target: 0.99,
        period: '30d',
      },
      'SLO 99% latency ≤ 1280 ms over 30d',
    ],
    [
      {
        kind: 'anomaly',
        of: { kind: 'errorRate', model: 'm' },
        seasonality: 'weekly',
        threshold: 3,
      },
      'anomaly (weekly, ±3 spreads) of error rate of m',
    ],
    [
      {
        kind: 'composite',
        signals: [
          { signal: { kind: 'ttft', quantile: 0.95 }, condition: { op: '>', threshold: 2000 } },
          { signal: { kind: 'gpuThrottling' }, condition: { op: '>', threshold: 0 } },
        ],
      },
      'TTFT p95 > 2000 AND GPU throttling (avg per GPU, max across) > 0',
    ],
    [{ kind: 'someNewKind' }, 'someNewKind'],
  ];
  for (const [s, text] of cases) expect(describeSignal(s)).toBe(text);
});
