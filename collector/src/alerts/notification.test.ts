import { describe, expect, test } from 'vitest';
import { alertLabels, buildNotification, fingerprint, renderTemplate } from './notification.js';
import type { RuleSpec } from './rule-schema.js';
import { INITIAL_STATE } from './state-machine.js';

const spec: RuleSpec = {
  name: 'support-bot p95 latency',
  signal: { kind: 'latency', quantile: 0.95, model: 'gpt-4o-mini', attributes: { a: 'b' } },
  window: '5m',
  condition: { op: '>', threshold: 2000 },
  for: '2m',
  keepFiringFor: '5m',
  interval: '30s',
  labels: { severity: 'page', team: 'support' },
  annotations: {
    summary:
      'p95 {{ $value }} ms on {{$labels.model}} ({{ $labels.missing }}) {{ $details.burn }} {{ other }}',
  },
  channels: ['ch1'],
  enabled: true,
  noDataState: 'no_data',
  errorState: 'error',
};

describe('notification', () => {
  test('fingerprint is Prometheus’ FNV-1a 64 over sorted labels', () => {
    // Values from Prometheus model/signature_test.go (TestLabelsToSignature / fingerprint).
    expect(fingerprint({})).toBe('cbf29ce484222325');
    // 5799056148416392346 in TestLabelsToSignature.
    expect(fingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe(
      '507a62d79ee76c9a',
    );
    expect(fingerprint({ a: '1', b: '2' })).not.toBe(fingerprint({ a: '2', b: '1' }));
  });

  test('labels: alertname, filters, rule labels; severity from the rule or warning', () => {
    expect(alertLabels(spec, 'critical')).toEqual({
      alertname: 'support-bot p95 latency',
      model: 'gpt-4o-mini',
      team: 'support',
      severity: 'page',
    });
    expect(alertLabels(spec, 'warning').severity).toBe('warning');
    expect(alertLabels({ ...spec, labels: {} }, 'critical').severity).toBe('critical');
  });

  test('templates', () => {
    expect(
      renderTemplate(spec.annotations.summary!, {
        value: 2310.123456789,
        labels: { model: 'm' },
        details: { burn: 14.4 },
      }),
    ).toBe('p95 2310.12 ms on m () 14.4 {{ other }}');
    expect(renderTemplate('{{ $value }}', { value: null, labels: {} })).toBe('no data');
  });

  test('a firing and a resolved notification; ids differ by seq and repeat for the same transition', () => {
    const firing = {
      ...INITIAL_STATE,
      state: 'firing' as const,
      severity: 'critical' as const,
      seq: 3,
      value: 2500,
      firingSinceMs: Date.UTC(2026, 0, 1),
      lastEvalMs: Date.UTC(2026, 0, 1),
    };
    const n = buildNotification({
      project: 'default',
      ruleId: 'r1',
      spec,
      state: firing,
      severity: 'critical',
      status: 'firing',
      topTraces: [{ traceId: 'abc', durationMs: 3000 }],
      publicUrl: 'https://aiobs.example.com',
    });
    expect(n.id).toBe(`r1:${n.fingerprint}:3`);
    expect(n.startsAt).toBe('2026-01-01T00:00:00.000Z');
    expect(n.endsAt).toBeUndefined();
    expect(n.annotations.summary).toBe('p95 2500 ms on gpt-4o-mini () no data {{ other }}');
    expect(n.generatorUrl).toBe('https://aiobs.example.com/alerts?project=default&rule=r1');
    expect(n.topTraces).toEqual([
      {
        traceId: 'abc',
        durationMs: 3000,
        url: 'https://aiobs.example.com/traces?project=default&trace=abc',
      },
    ]);
    const again = buildNotification({
      project: 'default',
      ruleId: 'r1',
      spec,
      state: firing,
      severity: 'critical',
      status: 'firing',
      topTraces: [],
    });
    expect(again.id).toBe(n.id);
    expect(again.generatorUrl).toBeUndefined();
    const resolved = buildNotification({
      project: 'default',
      ruleId: 'r1',
      spec,
      state: { ...firing, state: 'resolved', seq: 4, resolvedAtMs: Date.UTC(2026, 0, 1, 0, 5) },
      severity: 'critical',
      status: 'resolved',
      topTraces: [],
    });
    expect(resolved.id).toBe(`r1:${n.fingerprint}:4`);
    expect(resolved.endsAt).toBe('2026-01-01T00:05:00.000Z');
    expect(resolved.fingerprint).toBe(n.fingerprint);
  });
});
