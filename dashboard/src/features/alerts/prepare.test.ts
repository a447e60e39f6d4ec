import type {
  AlertPreviewResponse,
  AlertStatus,
  ChannelTestResponse,
  MaintenanceWindow,
  MeResponse,
} from '@aiobs/api-types';
import { expect, test } from 'vitest';
import {
  canEdit,
  channelBody,
  describeWindow,
  firingAreas,
  formatMatchers,
  fromUtcInput,
  healthText,
  parseMatchers,
  previewBlocker,
  previewGuides,
  previewRows,
  previewSummary,
  replayBody,
  silenceBody,
  sortAlerts,
  testResult,
  utcInput,
  windowBody,
} from './prepare.js';

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

test('an anomaly preview carries its band', () => {
  const res = {
    points: [{ time: '2026-12-02T00:00:00.000Z', value: 3, band: { lower: 1, upper: 5 } }],
  } as unknown as AlertPreviewResponse;
  expect(previewRows(res)[0]!.band).toEqual([1, 5]);
});

const preview = (over: Partial<AlertPreviewResponse>) =>
  ({
    from: '2026-12-02T00:00:00.000Z',
    to: '2026-12-02T01:00:00.000Z',
    stepMs: 60_000,
    windowMs: 300_000,
    condition: null,
    points: [],
    firing: [],
    ...over,
  }) as AlertPreviewResponse;

test('the preview draws the threshold and the warning, or where a self-deciding kind fires', () => {
  expect(
    previewGuides(preview({ condition: { op: '>', threshold: 500, warning: 300 } }), 'latency'),
  ).toEqual([
    { y: 500, label: 'threshold 500', level: 'critical' },
    { y: 300, label: 'warning 300', level: 'warning' },
  ]);
  expect(previewGuides(preview({ condition: { op: '<', threshold: 0.9 } }), 'accuracy')).toEqual([
    { y: 0.9, label: 'threshold 0.9', level: 'critical' },
  ]);
  expect(previewGuides(preview({}), 'absence')).toEqual([
    { y: 0, label: 'fires at 0 matched', level: 'critical' },
  ]);
  const slo = preview({
    points: [
      { time: '2026-12-02T00:00:00.000Z', value: null, level: null, state: 'no_data' },
      {
        time: '2026-12-02T00:01:00.000Z',
        value: 2,
        breach: 'ok',
        details: { pageBurnRate: 14.4, ticketBurnRate: 6 },
        level: null,
        state: 'inactive',
      },
    ],
  });
  expect(previewGuides(slo, 'slo').map((g) => [g.y, g.level])).toEqual([
    [14.4, 'critical'],
    [6, 'warning'],
  ]);
  // An SLO with no request in the range has no burn rates to draw; an anomaly draws its band.
  expect(previewGuides(preview({}), 'slo')).toEqual([]);
  expect(previewGuides(preview({}), 'anomaly')).toEqual([]);
});

test('the preview’s verdict counts warnings apart', () => {
  expect(previewSummary(preview({}))).toBe('Would not have fired in this range.');
  const f = (severity: 'critical' | 'warning') => ({ from: 'a', to: null, severity });
  expect(previewSummary(preview({ firing: [f('critical')] }))).toBe(
    'Would have fired 1 time in this range.',
  );
  expect(previewSummary(preview({ firing: [f('critical'), f('warning')] }))).toBe(
    'Would have fired 2 times in this range (1 at warning only).',
  );
});

test('the preview replays only what decides where a rule fires', () => {
  const body = {
    name: 'n',
    signal: { kind: 'errorRate' },
    window: '5m',
    condition: { op: '>', threshold: 0.1 },
    for: '1m',
    labels: { a: 'b' },
    annotations: {},
    channels: ['c1'],
    enabled: false,
    noDataState: 'ok',
  };
  expect(replayBody(body)).toEqual({
    signal: { kind: 'errorRate' },
    window: '5m',
    condition: { op: '>', threshold: 0.1 },
    for: '1m',
    noDataState: 'ok',
  });
});

test('an anomaly band too fine for the preview is said so before asking', () => {
  const HOUR = 3_600_000;
  const anomaly = (seasonality: string) => ({
    signal: { kind: 'anomaly', seasonality, of: { kind: 'errorRate' } },
  });
  // An hour at 30 s: 14 days of history is 40,441 points; 8 weeks is 161,401.
  expect(previewBlocker(anomaly('daily'), HOUR, 30_000)).toBeUndefined();
  expect(previewBlocker(anomaly('weekly'), HOUR, 30_000)).toMatch(
    /weekly anomaly band.* 161,401 points.*at most 50,000/,
  );
  // A day: the step grows to 172.8 s, which divides a week: 28,501 points.
  expect(previewBlocker(anomaly('weekly'), 24 * HOUR, 30_000)).toBeUndefined();
  // A longer interval is a coarser step too.
  expect(previewBlocker(anomaly('weekly'), HOUR, 120_000)).toBeUndefined();
  // A composite's anomaly side counts; other kinds are never refused for it.
  const composite = {
    signal: {
      kind: 'composite',
      signals: [{ signal: anomaly('weekly').signal }, { signal: { kind: 'ttft' } }],
    },
  };
  expect(previewBlocker(composite, HOUR, 30_000)).toMatch(/weekly/);
  expect(previewBlocker({ signal: { kind: 'latency' } }, HOUR, 1000)).toBeUndefined();
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
