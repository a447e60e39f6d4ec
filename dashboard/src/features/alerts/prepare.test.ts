import type {
  AlertPreviewResponse,
  AlertRule,
  AlertStatus,
  ChannelTestResponse,
  MaintenanceWindow,
  MeResponse,
} from '@aiobs/api-types';
import { expect, test } from 'vitest';
import {
  canEdit,
  channelBody,
  describeRule,
  describeWindow,
  firingAreas,
  formatMatchers,
  fromUtcInput,
  healthText,
  parseMatchers,
  previewRows,
  type RuleDraft,
  ruleBody,
  ruleDraft,
  ruleEditBody,
  ruleSpec,
  silenceBody,
  sortAlerts,
  testResult,
  utcInput,
  windowBody,
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
  expect(ruleBody({ ...draft, channels: ['c1'] })).toMatchObject({ body: { channels: ['c1'] } });
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

const stored: AlertRule = {
  id: 'r1',
  project: 'default',
  name: 'chat p95',
  signal: { kind: 'latency', quantile: 0.95, model: 'acme/chat', service: 'bot' },
  window: '5m',
  condition: { op: '>', threshold: 400, warning: 300 },
  for: '1m',
  keepFiringFor: '2m',
  interval: '30s',
  labels: { team: 'ml' },
  annotations: {},
  channels: ['c1'],
  enabled: true,
  noDataState: 'no_data',
  errorState: 'error',
  createdAt: '2026-12-02T00:00:00.000Z',
  updatedAt: '2026-12-02T00:00:00.000Z',
};

test('a stored rule fills the form; kinds the form cannot show are left to the API', () => {
  expect(ruleDraft(stored)).toEqual({
    name: 'chat p95',
    kind: 'latency',
    quantile: '0.95',
    model: 'acme/chat',
    window: '5m',
    op: '>',
    threshold: '400',
    for: '1m',
    channels: ['c1'],
  });
  expect(ruleDraft({ ...stored, signal: { kind: 'anomaly' }, condition: undefined })).toBe(
    undefined,
  );
  expect(ruleDraft({ ...stored, condition: { op: '==', threshold: 1 } })).toBe(undefined);
});

test('an edit changes the form’s fields and keeps the rest of the rule', () => {
  const d = { ...ruleDraft(stored)!, threshold: '500', model: '', channels: ['c1', 'c2'] };
  expect(ruleEditBody(stored, d)).toEqual({
    body: {
      name: 'chat p95',
      signal: { kind: 'latency', quantile: 0.95, service: 'bot' },
      window: '5m',
      condition: { op: '>', threshold: 500, warning: 300 },
      for: '1m',
      keepFiringFor: '2m',
      interval: '30s',
      labels: { team: 'ml' },
      annotations: {},
      channels: ['c1', 'c2'],
      enabled: true,
      noDataState: 'no_data',
      errorState: 'error',
    },
  });
  expect(ruleEditBody(stored, { ...d, threshold: 'x' })).toEqual({ missing: 'threshold' });
  expect(Object.keys(ruleSpec(stored))).not.toContain('id');
  expect(Object.keys(ruleSpec(stored))).not.toContain('updatedAt');
});

test('an anomaly preview carries its band', () => {
  const res = {
    points: [{ time: '2026-12-02T00:00:00.000Z', value: 3, band: { lower: 1, upper: 5 } }],
  } as unknown as AlertPreviewResponse;
  expect(previewRows(res)[0]!.band).toEqual([1, 5]);
});

test('a channel draft becomes the API body; bad input names the field', () => {
  const d = {
    name: ' pager ',
    url: 'http://127.0.0.1:9/hook',
    format: 'slack' as const,
    headers: 'Authorization: Bearer x\n\nX-Team:  ml ',
  };
  expect(channelBody(d)).toEqual({
    body: {
      name: 'pager',
      type: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      format: 'slack',
      headers: { Authorization: 'Bearer x', 'X-Team': 'ml' },
    },
  });
  expect(channelBody({ ...d, headers: '' })).not.toHaveProperty('body.headers');
  expect(channelBody({ ...d, url: 'ftp://x' })).toMatchObject({ field: 'url' });
  expect(channelBody({ ...d, name: ' ' })).toMatchObject({ field: 'name' });
  expect(channelBody({ ...d, headers: 'no colon here' })).toMatchObject({
    field: 'headers',
    message: 'line 1: write it as Name: value',
  });
});

test('a test send and a channel’s health in words', () => {
  const r = (x: Partial<ChannelTestResponse>) =>
    testResult({ deliveryId: 'm', attempt: 1, durationMs: 12.4, status: 'delivered', ...x });
  expect(r({ httpStatus: 200 })).toEqual({ ok: true, text: 'Delivered: HTTP 200 in 12 ms' });
  expect(r({ status: 'failed', refused: 'private address' })).toEqual({
    ok: false,
    text: 'Failed: refused (private address); it will not be retried',
  });
  expect(
    r({ status: 'pending', httpStatus: 500, nextAttemptAt: '2026-12-02T01:02:03.000Z' }).text,
  ).toBe('Not delivered: HTTP 500; retrying at 01:02:03 UTC');
  expect(r({ status: 'pending', httpStatus: 500, error: 'HTTP 500' }).text).toBe(
    'Not delivered: HTTP 500; retrying',
  );
  expect(healthText({ status: 'unknown', consecutiveFailures: 0 })).toBe('no attempts yet');
  expect(
    healthText({
      status: 'failing',
      consecutiveFailures: 3,
      lastStatus: 500,
      lastAttemptAt: '2026-12-02T01:02:03.000Z',
    }),
  ).toBe('3 failed attempts in a row (HTTP 500), last at 2026-12-02 01:02:03');
});

test('matchers as Alertmanager writes them, both ways', () => {
  const ms = parseMatchers('alertname="chat p95", team=~"ml-.*"\nenv!=prod, q="a \\"b\\", c"');
  expect(ms).toEqual([
    { name: 'alertname', op: '=', value: 'chat p95' },
    { name: 'team', op: '=~', value: 'ml-.*' },
    { name: 'env', op: '!=', value: 'prod' },
    { name: 'q', op: '=', value: 'a "b", c' },
  ]);
  expect(parseMatchers('  ')).toEqual([]);
  expect(parseMatchers('a="x" 1b=2')).toMatchObject({ field: 'matchers' });
  expect(formatMatchers(ms as never)).toBe(
    'alertname="chat p95", team=~"ml-.*", env!="prod", q="a \\"b\\", c"',
  );
});

test('silence and window drafts: times are UTC, the end must come later', () => {
  const now = Date.parse('2026-12-02T08:00:00Z');
  // The tables' format, not the browser's locale one.
  expect(utcInput(now)).toBe('2026-12-02 08:00');
  expect(fromUtcInput('2026-12-02 08:00')).toBe(now);
  expect(fromUtcInput(' 2026-12-02 08:00:30 ')).toBe(now + 30_000);
  expect(fromUtcInput('2026-12-02T08:00')).toBe(now);
  expect(fromUtcInput('2026-12-02')).toBeNaN();
  expect(fromUtcInput('12/02/2026, 08:00 AM')).toBeNaN();
  const d = {
    matchers: 'alertname="chat p95"',
    startsAt: '2026-12-02 08:00',
    endsAt: '2026-12-02T10:00',
    comment: ' deploy ',
  };
  expect(silenceBody(d, now)).toEqual({
    body: {
      matchers: [{ name: 'alertname', op: '=', value: 'chat p95' }],
      startsAt: '2026-12-02T08:00:00.000Z',
      endsAt: '2026-12-02T10:00:00.000Z',
      comment: 'deploy',
    },
  });
  expect(silenceBody({ ...d, matchers: '' }, now)).toMatchObject({ field: 'matchers' });
  expect(silenceBody({ ...d, endsAt: '2026-12-02T07:00' }, now)).toMatchObject({
    field: 'endsAt',
  });
  expect(silenceBody({ ...d, comment: '' }, now)).toMatchObject({ field: 'comment' });
  const w = { name: 'upgrade', matchers: '', startsAt: d.startsAt, endsAt: d.endsAt };
  expect(windowBody(w, now)).toEqual({
    body: {
      name: 'upgrade',
      matchers: [],
      startsAt: '2026-12-02T08:00:00.000Z',
      endsAt: '2026-12-02T10:00:00.000Z',
    },
  });
  expect(windowBody({ ...w, name: '' }, now)).toMatchObject({ field: 'name' });
  const weekly = {
    recurrence: { days: ['sat', 'sun'], start: '22:00', end: '02:00', timezone: 'Europe/Berlin' },
  } as MaintenanceWindow;
  expect(describeWindow(weekly)).toBe('sat, sun 22:00–02:00 Europe/Berlin');
  expect(
    describeWindow({ startsAt: '2026-12-02T08:00:00Z', endsAt: '2026-12-02T10:00:00Z' } as never),
  ).toBe('2026-12-02 08:00 – 2026-12-02 10:00 UTC');
});

test('viewers do not get the write controls; admins and editors do', () => {
  const me = (x: Partial<MeResponse>): MeResponse => ({
    user: null,
    kind: 'user',
    instanceAdmin: false,
    projects: [
      { id: 'default', name: 'Default', role: 'viewer' },
      { id: 'shop', name: 'Shop', role: 'editor' },
    ],
    ...x,
  });
  expect(canEdit(me({}), 'default')).toBe(false);
  expect(canEdit(me({}), 'shop')).toBe(true);
  expect(canEdit(me({ instanceAdmin: true }), 'default')).toBe(true);
  expect(canEdit(me({ kind: 'admin', projects: [] }), 'default')).toBe(true);
  expect(canEdit(me({ kind: 'read', projects: [] }), 'default')).toBe(false);
  expect(canEdit(undefined, 'default')).toBe(true);
});
