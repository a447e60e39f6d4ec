import { describe, expect, it } from 'vitest';
import { RENDERERS } from './formats.js';
import { buildMessage, type MessageAlert, ZERO_TIME } from './message.js';

const alert = (over: Partial<MessageAlert>): MessageAlert => ({
  status: 'firing',
  labels: { alertname: 'p95 latency', severity: 'page', model: 'gpt-4o-mini' },
  annotations: { summary: 'p95 above 2000 ms' },
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: ZERO_TIME,
  generatorURL: 'https://aiobs.example/alerts/rules/r1',
  fingerprint: 'abc',
  value: 2450,
  topTraces: [
    {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      durationMs: 5100,
      url: 'https://aiobs.example/traces/0af7651916cd43dd8448eb211c80319c',
    },
  ],
  ...over,
});

const message = buildMessage({
  receiver: 'oncall',
  groupKey: '{}:{alertname="p95 latency"}',
  groupLabels: { alertname: 'p95 latency' },
  alerts: [
    alert({
      status: 'resolved',
      fingerprint: 'def',
      labels: { alertname: 'p95 latency', severity: 'page', model: 'o1' },
      endsAt: '2026-01-01T00:10:00.000Z',
    }),
    alert({}),
  ],
  externalURL: 'https://aiobs.example',
});

describe('buildMessage', () => {
  it('is firing while any alert fires, lists firing first, and finds the common labels', () => {
    expect(message.status).toBe('firing');
    expect(message.alerts.map((a) => a.fingerprint)).toEqual(['abc', 'def']);
    expect(message.commonLabels).toEqual({ alertname: 'p95 latency', severity: 'page' });
    expect(message.commonAnnotations).toEqual({ summary: 'p95 above 2000 ms' });
  });
});

describe('body formats', () => {
  it('alertmanager: the webhook v4 shape', () => {
    const body = JSON.parse(RENDERERS.alertmanager(message));
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'oncall',
      groupKey: '{}:{alertname="p95 latency"}',
      groupLabels: { alertname: 'p95 latency' },
      externalURL: 'https://aiobs.example',
      truncatedAlerts: 0,
    });
    expect(Object.keys(body.alerts[0]).sort()).toEqual([
      'annotations',
      'endsAt',
      'fingerprint',
      'generatorURL',
      'labels',
      'startsAt',
      'status',
      'topTraces',
      'value',
    ]);
    expect(body.alerts[0].endsAt).toBe(ZERO_TIME);
  });

  it('slack: a text fallback and a section per alert with trace links', () => {
    const body = JSON.parse(RENDERERS.slack(message));
    expect(body.text).toBe('[FIRING:1] p95 latency');
    expect(body.blocks).toHaveLength(3);
    expect(body.blocks[1].text.text).toContain(
      '<https://aiobs.example/traces/0af7651916cd43dd8448eb211c80319c|0af76519> 5100 ms',
    );
  });

  it('template: the channel template over the same data', () => {
    const t =
      '{"msg":"{{status}}: {{#alerts}}{{labels.model}}={{value}}{{^@last}}; {{/@last}}{{/alerts}}","v":"{{version}}"}';
    expect(JSON.parse(RENDERERS.template(message, t))).toEqual({
      msg: 'firing: gpt-4o-mini=2450; o1=2450',
      v: '4',
    });
  });
});
