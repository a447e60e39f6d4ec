import { describe, expect, test } from 'vitest';
import { AppError } from '../errors.js';
import { durationMs, formatDuration } from './duration.js';
import { createRuleSchema, parseRuleSpec, ruleTiming } from './rule-schema.js';
import { decidesOwnBreach, type Signal, signalSchema } from './signals/schema.js';

const schema = createRuleSchema<Signal>({
  signal: signalSchema,
  decidesOwnBreach: (s) => decidesOwnBreach(s.kind),
  minIntervalMs: 1000,
});

/** The error a bad body gets: the field it names and its message. */
function refusal(body: unknown): { field: string | undefined; message: string } {
  try {
    parseRuleSpec(schema, body);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('bad_request');
    return { field: e.options.field, message: e.message };
  }
  throw new Error('accepted');
}

const README =
  JSON.parse(`{"name": "support-bot p95 latency", "signal": {"kind": "latency", "quantile": 0.95, "model": "gpt-4o-mini"},
 "window": "5m", "condition": {"op": ">", "threshold": 2000}, "for": "2m", "keepFiringFor": "5m",
 "interval": "30s", "labels": {"severity": "page"}, "channels": ["<channel id>"]}`);

describe('rule schema', () => {
  test('accepts the README example as written, with defaults for the rest', () => {
    const r = parseRuleSpec(schema, README);
    expect(r).toEqual({
      ...README,
      annotations: {},
      enabled: true,
      noDataState: 'no_data',
      errorState: 'error',
    });
    expect(ruleTiming(r)).toEqual({
      windowMs: 300_000,
      forMs: 120_000,
      keepFiringForMs: 300_000,
      intervalMs: 30_000,
    });
  });

  test('defaults: interval 30s, for and keepFiringFor 0s, window 5m', () => {
    const r = parseRuleSpec(schema, {
      name: 'x',
      signal: { kind: 'errorRate' },
      condition: { op: '>', threshold: 0.1 },
    });
    expect([r.interval, r.for, r.keepFiringFor, r.window]).toEqual(['30s', '0s', '0s', '5m']);
  });

  test('field errors name the field', () => {
    expect(refusal({ ...README, condition: { op: '>', threshold: 'high' } }).field).toBe(
      'condition.threshold',
    );
    expect(refusal({ ...README, condition: { op: '=>', threshold: 1 } }).field).toBe(
      'condition.op',
    );
    expect(refusal({ ...README, name: '' }).field).toBe('name');
    expect(refusal({ ...README, window: '5 minutes' }).field).toBe('window');
    expect(refusal({ ...README, for: -1 }).field).toBe('for');
    expect(refusal({ ...README, interval: '500ms' })).toEqual({
      field: 'interval',
      message: 'interval: must be at least 1s',
    });
    expect(refusal({ ...README, labels: { 'bad-key': 'x' } }).field).toBe('labels.bad-key');
    expect(refusal({ ...README, noDataState: 'maybe' }).field).toBe('noDataState');
    expect(refusal({ ...README, extra: 1 })).toEqual({
      field: 'extra',
      message: 'extra: unknown field "extra"',
    });
    expect(refusal({ ...README, signal: { kind: 'latency', quantile: 2 } }).field).toBe(
      'signal.quantile',
    );
    expect(refusal({ ...README, signal: { kind: 'nope' } }).field).toBe('signal.kind');
    expect(refusal('not an object').field).toBeUndefined();
  });

  test('condition is required unless the signal decides its own breach', () => {
    const { condition: _, ...noCondition } = README;
    expect(refusal(noCondition).field).toBe('condition');
    const absence = parseRuleSpec(schema, { name: 'silent', signal: { kind: 'absence' } });
    expect(absence.condition).toBeUndefined();
  });

  test('a warning threshold lies before the threshold', () => {
    expect(
      parseRuleSpec(schema, { ...README, condition: { op: '>', threshold: 2000, warning: 1500 } })
        .condition,
    ).toEqual({
      op: '>',
      threshold: 2000,
      warning: 1500,
    });
    expect(
      refusal({ ...README, condition: { op: '>', threshold: 2000, warning: 2500 } }).field,
    ).toBe('condition.warning');
    expect(refusal({ ...README, condition: { op: '<', threshold: 0.5, warning: 0.4 } }).field).toBe(
      'condition.warning',
    );
    expect(refusal({ ...README, condition: { op: '==', threshold: 1, warning: 0 } }).field).toBe(
      'condition.warning',
    );
  });
});

describe('durations', () => {
  test('parse and format', () => {
    expect(['500ms', '30s', '5m', '1h30m', '7d', '1w', '0s'].map(durationMs)).toEqual([
      500, 30_000, 300_000, 5_400_000, 604_800_000, 604_800_000, 0,
    ]);
    expect(['', '5', '5 m', '1.5h', 'm5', '-1s'].map(durationMs)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect([0, 1000, 90_000, 5_400_000, 86_400_500].map(formatDuration)).toEqual([
      '0s',
      '1s',
      '1m30s',
      '1h30m',
      '1d500ms',
    ]);
  });
});
