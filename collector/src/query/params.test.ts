import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BadRequestError } from '../errors.js';
import {
  decodeCursor,
  encodeCursor,
  isoFromNanos,
  MAX_DURATION_FILTER_MS,
  MAX_TIME_MS,
  parseAttrFilters,
  parseDuration,
  parseLimit,
  parseNonNegative,
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

  test('times outside what the engine stores are refused, not passed on', () => {
    expect(parseTime(String(MAX_TIME_MS), 'to')).toBe(MAX_TIME_MS);
    expect(parseTime('2262-04-11T23:47:16.854Z', 'to')).toBe(MAX_TIME_MS);
    for (const bad of [
      String(MAX_TIME_MS + 1),
      '9007199254740993',
      '18446744073709551616',
      '1e308',
      '9999-12-31T23:59:59.999Z',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '-1',
      '',
    ])
      expect(
        fieldOf(() => parseTime(bad, 'to')),
        bad,
      ).toBe('to');
    // The default window never reaches before 1970.
    expect(parseRange({ to: '1000' })).toEqual({ fromMs: 0, toMs: 1000 });
  });

  test('durations and cursors are bounded to what the engine binds', () => {
    expect(parseNonNegative('100', 'minDurationMs')).toBe(100);
    // In nanoseconds a duration filter must stay an exact (safe) integer.
    expect(Number.isSafeInteger(Math.round(MAX_DURATION_FILTER_MS * 1e6))).toBe(true);
    expect(
      fieldOf(() => parseNonNegative('9007199255', 'minDurationMs', MAX_DURATION_FILTER_MS)),
    ).toBe('minDurationMs');
    for (const bad of ['9007199254740993', '1e300', '-1', '', ' ', 'NaN', 'Infinity'])
      expect(
        fieldOf(() => parseNonNegative(bad, 'minDurationMs')),
        bad,
      ).toBe('minDurationMs');
    expect(fieldOf(() => parseDuration('99999999999d', 'step'))).toBe('step');
    expect(fieldOf(() => parseDuration(`${'9'.repeat(400)}d`, 'step'))).toBe('step');
    const ok = encodeCursor(['9223372036854775807', 'id']);
    expect(decodeCursor(ok, ['int64', 'string'])).toEqual(['9223372036854775807', 'id']);
    for (const key of ['9223372036854775808', '-1', 'x', '1e3', ''])
      expect(
        fieldOf(() => decodeCursor(encodeCursor([key, 'id']), ['int64', 'string'])),
        key,
      ).toBe('cursor');
  });

  test('property: any text is either a bounded value or a 400 naming the field', () => {
    const refusedAs = (fn: () => unknown, field: string) => {
      try {
        return fn();
      } catch (e) {
        expect(e).toBeInstanceOf(BadRequestError);
        expect((e as BadRequestError).options.field).toBe(field);
        return undefined;
      }
    };
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.double().map(String),
      fc.bigInt().map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.stringMatching(/^\d{1,25}(\.\d{1,5})?(ms|s|m|h|d)?$/),
    );
    fc.assert(
      fc.property(text, (v) => {
        const t = refusedAs(() => parseTime(v, 'from'), 'from');
        if (t !== undefined)
          expect(Number.isInteger(t) && (t as number) >= 0 && (t as number) <= MAX_TIME_MS).toBe(
            true,
          );
        const d = refusedAs(() => parseDuration(v, 'step'), 'step');
        if (d !== undefined) expect((d as number) >= 1 && (d as number) <= MAX_TIME_MS).toBe(true);
        const n = refusedAs(() => parseNonNegative(v, 'minDurationMs'), 'minDurationMs');
        if (n !== undefined) expect((n as number) >= 0 && (n as number) <= MAX_TIME_MS).toBe(true);
        const l = refusedAs(() => parseLimit(v), 'limit');
        if (l !== undefined) expect(Number.isInteger(l) && (l as number) >= 1).toBe(true);
        const c = refusedAs(
          () => decodeCursor(Buffer.from(v).toString('base64url'), ['int64', 'string']),
          'cursor',
        );
        if (c !== undefined) expect(BigInt((c as string[])[0]!) <= 2n ** 63n - 1n).toBe(true);
      }),
      { numRuns: 2000 },
    );
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
