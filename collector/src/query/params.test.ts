import { describe, expect, test } from 'vitest';
import { BadRequestError } from '../errors.js';
import {
  decodeCursor,
  encodeCursor,
  isoFromNanos,
  parseAttrFilters,
  parseDuration,
  parseLimit,
  parseRange,
  parseStep,
  parseTime,
} from './params.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return (e as BadRequestError).options.field;
  }
  throw new Error('did not throw');
}

describe('API parameters', () => {
  test('times: ISO 8601 or Unix milliseconds', () => {
    expect(parseTime('2026-01-31T12:00:00Z', 'from')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseTime('1769860800000', 'from')).toBe(1769860800000);
    expect(fieldOf(() => parseTime('yesterday', 'to'))).toBe('to');
    expect(fieldOf(() => parseRange({ from: '2000', to: '1000' }))).toBe('from');
    const r = parseRange({}, 60_000);
    expect(r.toMs - r.fromMs).toBe(60_000);
  });

  test('limits, durations and steps', () => {
    expect(parseLimit(undefined)).toBe(50);
    expect(parseLimit('1000')).toBe(1000);
    expect(fieldOf(() => parseLimit('1001'))).toBe('limit');
    expect(parseDuration('10s', 'step')).toBe(10_000);
    expect(parseDuration('1.5m', 'step')).toBe(90_000);
    expect(parseDuration('250', 'step')).toBe(250);
    expect(fieldOf(() => parseDuration('10 parsecs', 'step'))).toBe('step');
    expect(parseStep(undefined, { fromMs: 0, toMs: 3_600_000 })).toBe(30_000);
    expect(fieldOf(() => parseStep('1ms', { fromMs: 0, toMs: 3_600_000 }))).toBe('step');
  });

  test('cursors round-trip and refuse foreign input', () => {
    const c = encodeCursor(['1795920433319000000', 'abc']);
    expect(decodeCursor(c, ['string', 'string'])).toEqual(['1795920433319000000', 'abc']);
    expect(fieldOf(() => decodeCursor('bm9wZQ', ['string', 'string']))).toBe('cursor');
    expect(fieldOf(() => decodeCursor(c, ['string', 'number']))).toBe('cursor');
  });

  test('attribute filters keep dotted keys', () => {
    expect(
      parseAttrFilters('http://x/?attr.gen_ai.request.model=gpt-4o&limit=1&attr.a=b%20c'),
    ).toEqual([
      ['gen_ai.request.model', 'gpt-4o'],
      ['a', 'b c'],
    ]);
    expect(fieldOf(() => parseAttrFilters('http://x/?attr.=1'))).toBe('attr.');
  });

  test('nanosecond timestamps format as ISO 8601 with all nine digits', () => {
    expect(isoFromNanos('1795920433319065284')).toBe('2026-11-29T02:47:13.319065284Z');
    expect(isoFromNanos('5')).toBe('1970-01-01T00:00:00.000000005Z');
  });
});
