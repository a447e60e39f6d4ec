import type { AlertPreviewResponse, AlertRule, AlertStatus } from '@aiobs/api-types';
import { expect, test } from 'vitest';
import {
  describeRule,
  firingAreas,
  previewRows,
  type RuleDraft,
  ruleBody,
  sortAlerts,
} from './prepare.js';

const draft: RuleDraft = {
  name: ' slow chat ',
  kind: 'latency',
  quantile: '0.95',
  model: 'acme/chat',
  window: '5m',
  op: '>',
  threshold: '300',
  for: '',
};

test('a draft becomes the API body; half-typed numbers hold the preview back', () => {
  expect(ruleBody(draft)).toEqual({
    body: {
      name: 'slow chat',
      signal: { kind: 'latency', quantile: 0.95, model: 'acme/chat' },
      window: '5m',
      condition: { op: '>', threshold: 300 },
      for: '0s',
    },
  });
  expect(ruleBody({ ...draft, threshold: '' })).toEqual({ missing: 'threshold' });
  expect(ruleBody({ ...draft, quantile: '95' })).toEqual({ missing: 'quantile' });
  expect(ruleBody({ ...draft, kind: 'errorRate', quantile: '', model: '', name: '' })).toEqual({
    body: {
      signal: { kind: 'errorRate' },
      window: '5m',
      condition: { op: '>', threshold: 300 },
      for: '0s',
    },
  });
});

test('a rule in one line', () => {
  const r = {
    signal: { kind: 'latency', quantile: 0.95, model: 'acme/chat' },
    condition: { op: '>', threshold: 300 },
    window: '5m',
    for: '2m',
  } as unknown as AlertRule;
  expect(describeRule(r)).toBe('latency p95 of acme/chat > 300 over 5m for 2m');
});

test('preview rows and firing areas; an open firing runs to the range’s end', () => {
  const res = {
    to: '2026-12-02T01:00:00.000Z',
    points: [{ time: '2026-12-02T00:00:00.000Z', value: 3 }],
    firing: [
      { from: '2026-12-02T00:10:00.000Z', to: '2026-12-02T00:20:00.000Z', severity: 'critical' },
      { from: '2026-12-02T00:50:00.000Z', to: null, severity: 'warning' },
    ],
  } as unknown as AlertPreviewResponse;
  expect(previewRows(res)).toEqual([{ t: Date.parse('2026-12-02T00:00:00.000Z'), value: 3 }]);
  expect(firingAreas(res).map((a) => [a.to - a.from, a.severity])).toEqual([
    [600_000, 'critical'],
    [600_000, 'warning'],
  ]);
});

test('alerts needing attention come first', () => {
  const a = (ruleName: string, state: AlertStatus['state']) => ({ ruleName, state }) as AlertStatus;
  expect(
    sortAlerts([a('b', 'inactive'), a('a', 'firing'), a('c', 'pending'), a('a', 'inactive')]).map(
      (x) => `${x.ruleName}:${x.state}`,
    ),
  ).toEqual(['a:firing', 'c:pending', 'a:inactive', 'b:inactive']);
});
