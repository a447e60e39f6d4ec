import type { AlertRule } from '@aiobs/api-types';
import { expect, test } from 'vitest';
import {
  checkDraft,
  draftOf,
  editBody,
  filterKeysOf,
  freshDraft,
  parsePairs,
  type RuleDraft,
  ruleSpec,
  unitOf,
} from './rule-draft.js';
import { isFormKind, KINDS } from './rule-kinds.js';

const draft = (over: Partial<RuleDraft> = {}, params: Record<string, string> = {}): RuleDraft => {
  const d = freshDraft();
  return {
    ...d,
    name: ' slow chat ',
    threshold: '300',
    ...over,
    params: { ...d.params, ...params },
  };
};

const stored = (over: Partial<AlertRule>): AlertRule => ({
  id: 'r1',
  project: 'default',
  name: 'chat p95',
  signal: { kind: 'latency', quantile: 0.95 },
  window: '5m',
  for: '1m',
  keepFiringFor: '2m',
  interval: '30s',
  labels: {},
  annotations: {},
  channels: [],
  enabled: true,
  noDataState: 'no_data',
  errorState: 'error',
  createdAt: '2026-12-02T00:00:00.000Z',
  updatedAt: '2026-12-02T00:00:00.000Z',
  ...over,
});

test('a draft becomes the API body, every rule field included', () => {
  const d = draft({
    filters: { model: 'acme/chat', version: 'v2', host: ' ', attributes: 'user.tier = gold\n' },
    warning: '200',
    labels: 'severity=page',
    annotations: 'summary=p95 is {{ $value }} ms',
    channels: ['c1'],
  });
  expect(checkDraft(d)).toEqual({
    problems: {},
    body: {
      name: 'slow chat',
      signal: {
        kind: 'latency',
        quantile: 0.95,
        model: 'acme/chat',
        version: 'v2',
        attributes: { 'user.tier': 'gold' },
      },
      window: '5m',
      for: '1m',
      keepFiringFor: '0s',
      interval: '30s',
      condition: { op: '>', threshold: 300, warning: 200 },
      noDataState: 'no_data',
      errorState: 'error',
      labels: { severity: 'page' },
      annotations: { summary: 'p95 is {{ $value }} ms' },
      channels: ['c1'],
    },
  });
});

test('required fields are named; the preview waits only for what it needs', () => {
  const fresh = checkDraft(freshDraft());
  // A fresh form lacks the name and the threshold: only the threshold holds the preview.
  expect(Object.keys(fresh.problems)).toEqual(['name', 'threshold']);
  expect(fresh.body).toBeUndefined();
  const unnamed = checkDraft(draft({ name: '' }));
  expect(unnamed.problems).toEqual({ name: 'required: it becomes the alert’s alertname' });
  expect(unnamed.body).not.toHaveProperty('name');
  expect(unnamed.body).toHaveProperty('signal');
  expect(checkDraft(draft({ threshold: 'abc' })).problems).toEqual({
    threshold: 'must be a number',
  });
  expect(checkDraft(draft({}, { 'latency.quantile': '95' })).problems).toEqual({
    'param:latency.quantile': 'must be a number between 0 and 1',
  });
  expect(checkDraft(draft({ kind: 'metric' })).problems).toEqual({
    'param:metric.name': 'required',
  });
});

test('the warning threshold is crossed first, on the way to the critical one', () => {
  const warn = (op: RuleDraft['op'], warning: string) =>
    checkDraft(draft({ op, threshold: '500', warning })).problems.warning;
  expect(warn('>', '300')).toBeUndefined();
  expect(warn('>', '500')).toBe('must be below the threshold (500) for “above”');
  expect(warn('>=', '600')).toBe('must be below the threshold (500) for “at or above”');
  expect(warn('<', '600')).toBeUndefined();
  expect(warn('<=', '400')).toBe('must be above the threshold (500) for “at or below”');
  expect(warn('==', '400')).toMatch(/needs an ordering condition/);
  expect(warn('>', 'x')).toBe('must be a number');
  expect(checkDraft(draft({ op: '!=' })).body?.condition).toEqual({ op: '!=', threshold: 300 });
});

test('durations: empty is the API default, a bad one is named', () => {
  const body = checkDraft(draft({ window: '', for: '', keepFiringFor: '', interval: '' })).body!;
  expect([body.window, body.for, body.keepFiringFor, body.interval]).toEqual([
    '5m',
    '0s',
    '0s',
    '30s',
  ]);
  expect(checkDraft(draft({ window: '1h30m' })).body?.window).toBe('1h30m');
  expect(checkDraft(draft({ window: '5 minutes' })).problems.window).toMatch(/must be a duration/);
  expect(checkDraft(draft({ window: '500ms' })).problems.window).toBe('must be at least 1s');
  expect(checkDraft(draft({ interval: '400d' })).problems.interval).toBe('must be at most 366d');
});

test('labels and annotations as name=value lines', () => {
  expect(parsePairs('a=1\n\n b = x=y ', { maxValue: 10 })).toEqual({ a: '1', b: 'x=y' });
  expect(parsePairs('novalue', { maxValue: 10 })).toBe('line 1: write it as name=value');
  expect(checkDraft(draft({ labels: 'team-name=ml' })).problems.labels).toMatch(
    /“team-name” is not a label name/,
  );
  expect(parsePairs('a=12345', { maxValue: 3 })).toMatch(/longer than 3/);
});

test('each kind sends only the filters it honours, and its parameters as the API nests them', () => {
  const filters = { model: 'm', host: 'h', gpu: 'g', attributes: 'k=v' };
  const signal = (
    kind: string,
    params: Record<string, string> = {},
    over: Partial<RuleDraft> = {},
  ) => checkDraft(draft({ kind, filters, ...over }, params)).body?.signal;
  expect(signal('drift')).toEqual({ kind: 'drift', measure: 'psi', model: 'm' });
  expect(signal('drift', { 'drift.of': 'multivariate' })).toMatchObject({ feature: '' });
  expect(checkDraft(draft({ kind: 'drift' }, { 'drift.of': 'named' })).problems).toEqual({
    'param:drift.feature': 'required',
  });
  expect(signal('gpuMemory')).toEqual({
    kind: 'gpuMemory',
    aggregation: 'avg',
    across: 'max',
    unit: 'ratio',
    model: 'm',
    host: 'h',
    gpu: 'g',
  });
  expect(signal('ttft', { 'ttft.quantile': '0.99' })).toMatchObject({
    kind: 'ttft',
    quantile: 0.99,
  });
  expect(signal('tokens', { 'tokens.per': 's' })).toMatchObject({ tokenType: 'total', per: 's' });
  expect(
    signal('budget', {
      'budget.limitUsd': '100',
      'budget.by': 'attribute',
      'budget.attribute': 'user.id',
    }),
  ).toEqual({
    kind: 'budget',
    limitUsd: 100,
    by: { attribute: 'user.id' },
    model: 'm',
    host: 'h',
    attributes: { k: 'v' },
  });
  expect(checkDraft(draft({ kind: 'budget' })).problems).toEqual({
    'param:budget.limitUsd': 'required',
  });
  // Kinds that decide their own breach take no condition.
  const slo = checkDraft(draft({ kind: 'slo', threshold: '' }, { 'slo.objective': 'errors' }));
  expect(slo.body?.signal).toEqual({
    kind: 'slo',
    objective: { kind: 'errors' },
    target: 0.99,
    period: '30d',
  });
  expect(slo.body).not.toHaveProperty('condition');
  expect(signal('slo', { 'slo.thresholdMs': '640' })).toMatchObject({
    objective: { kind: 'latency', thresholdMs: 640 },
  });
  expect(checkDraft(draft({ kind: 'slo' }, { 'slo.target': '1' })).problems).toEqual({
    'param:slo.target': 'must be a number strictly between 0 and 1',
  });
  // A signal's own durations are one part, within the API's bounds.
  expect(checkDraft(draft({ kind: 'slo' }, { 'slo.period': '2h' })).problems).toEqual({
    'param:slo.period': 'must be from 6h to 400d',
  });
  expect(
    checkDraft(draft({ kind: 'budget' }, { 'budget.limitUsd': '5', 'budget.window': '1d12h' }))
      .problems,
  ).toEqual({ 'param:budget.window': 'must be a duration like "6h", "7d" or "30d" (one unit)' });
  expect(checkDraft(draft({ kind: 'budget' }, { 'budget.limitUsd': '-1' })).problems).toEqual({
    'param:budget.limitUsd': 'must be a number above 0',
  });
  // An absence of inferences cannot be filtered by GPU; of a metric it can.
  expect(checkDraft(draft({ kind: 'absence', filters: { gpu: 'g' } })).problems).toEqual({
    'filter:gpu': 'only an absence of a metric can be filtered by GPU: name the metric',
  });
  expect(signal('absence', { 'absence.metric': 'hw.power' })).toMatchObject({
    metric: 'hw.power',
    gpu: 'g',
  });
});

test('an anomaly band wraps the signal it watches, filters included', () => {
  const d = draft(
    { kind: 'anomaly', of: 'errorRate', threshold: '', filters: { model: 'm', gpu: 'g' } },
    { 'anomaly.seasonality': 'weekly', 'anomaly.minHistory': '4' },
  );
  expect(checkDraft(d).body?.signal).toEqual({
    kind: 'anomaly',
    of: { kind: 'errorRate', model: 'm' },
    seasonality: 'weekly',
    threshold: 3,
    minHistory: 4,
  });
  expect(filterKeysOf(d)).toEqual(KINDS.errorRate!.filters);
  expect(unitOf(d)).toBe('ratio 0–1');
  // A weekly band looks back 8 weeks at most.
  expect(checkDraft({ ...d, params: { ...d.params, 'anomaly.minHistory': '9' } }).problems).toEqual(
    {
      'param:anomaly.minHistory': 'must be a whole number between 3 and 8',
    },
  );
});

test('a stored rule fills the form and comes back unchanged', () => {
  const rules: AlertRule[] = [
    stored({
      signal: {
        kind: 'latency',
        quantile: 0.9,
        model: 'acme/chat',
        version: 'v2',
        attributes: { a: 'b' },
      },
      condition: { op: '>', threshold: 500, warning: 300 },
      labels: { severity: 'page' },
      annotations: { summary: 'slow' },
      channels: ['c1'],
      enabled: false,
      noDataState: 'alerting',
      errorState: 'ok',
    }),
    stored({
      signal: {
        kind: 'slo',
        objective: { kind: 'ttft', thresholdMs: 2560 },
        target: 0.995,
        period: '7d',
        service: 's',
      },
    }),
    stored({
      signal: { kind: 'budget', limitUsd: 50, by: { attribute: 'user.id' }, window: '1d' },
      condition: { op: '>=', threshold: 0.8 },
    }),
    stored({
      signal: {
        kind: 'anomaly',
        of: { kind: 'tokens', tokenType: 'output', per: 's', model: 'm' },
        seasonality: 'daily',
        threshold: 4,
      },
    }),
    stored({ signal: { kind: 'absence', metric: 'hw.power', gpu: 'GPU-1' } }),
    stored({
      signal: { kind: 'drift', measure: 'multivariate', feature: '', model: 'm' },
      condition: { op: '>', threshold: 0.2 },
    }),
    stored({
      signal: { kind: 'drift', measure: 'psi', feature: 'age' },
      condition: { op: '>', threshold: 0.2 },
    }),
    stored({
      signal: { kind: 'gpuThrottling', aggregation: 'max', across: 'avg', host: 'h1' },
      condition: { op: '>', threshold: 0 },
    }),
  ];
  for (const r of rules) {
    const d = draftOf(r);
    expect(d, r.signal.kind).toBeDefined();
    const { body, problems } = checkDraft(d!);
    expect(problems, r.signal.kind).toEqual({});
    expect(editBody(r, body!), r.signal.kind).toEqual(ruleSpec(r));
  }
  expect(draftOf(rules[0]!)).toMatchObject({
    warning: '300',
    filters: { model: 'acme/chat', version: 'v2', attributes: 'a=b' },
    labels: 'severity=page',
  });
});

test('rules the form cannot hold are left to the read-only view', () => {
  const composite = stored({
    signal: {
      kind: 'composite',
      op: 'and',
      signals: [
        { signal: { kind: 'ttft', quantile: 0.95 }, condition: { op: '>', threshold: 2000 } },
        { signal: { kind: 'gpuThrottling' }, condition: { op: '>', threshold: 0 } },
      ],
    },
  });
  expect(isFormKind('composite')).toBe(false);
  expect(draftOf(composite)).toBeUndefined();
  expect(draftOf(stored({ signal: { kind: 'someNewKind' } }))).toBeUndefined();
  // A field this dashboard does not know would be lost by an edit.
  expect(
    draftOf(stored({ signal: { kind: 'latency', quantile: 0.9, newKnob: 1 } })),
  ).toBeUndefined();
  expect(
    draftOf(stored({ signal: { kind: 'anomaly', of: { kind: 'slo' }, seasonality: 'daily' } })),
  ).toBeUndefined();
});

test('an edit keeps what the form does not hold, and drops a condition the kind does not take', () => {
  const r = stored({ condition: { op: '>', threshold: 1 }, enabled: false });
  const slo = checkDraft(draft({ kind: 'slo', threshold: '' })).body!;
  const out = editBody(r, slo);
  expect(out).not.toHaveProperty('condition');
  expect(out.enabled).toBe(false);
  expect(out).not.toHaveProperty('id');
  expect(out).not.toHaveProperty('updatedAt');
});

test('every kind of the form starts valid once given what it requires', () => {
  const required: Record<string, Record<string, string>> = {
    metric: { 'metric.name': 'x' },
    budget: { 'budget.limitUsd': '10' },
  };
  for (const kind of Object.keys(KINDS)) {
    const { problems, body } = checkDraft(draft({ kind }, required[kind]));
    expect(problems, kind).toEqual({});
    expect((body?.signal as { kind: string } | undefined)?.kind, kind).toBe(kind);
  }
});
