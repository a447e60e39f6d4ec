import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BadRequestError } from '../errors.js';
import {
  horizonsFor,
  LEVEL_MS,
  parseLevel,
  pickSeriesLevel,
  pickSummaryLevel,
  SUMMARY_SLACK,
} from './rollup-level.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('pickSeriesLevel', () => {
  test('uses the coarsest level whose bucket divides the step', () => {
    const range = { fromMs: 10 * DAY, toMs: 11 * DAY };
    expect(pickSeriesLevel(range, HOUR).level).toBe('1h');
    expect(pickSeriesLevel(range, 6 * HOUR).level).toBe('1h');
    expect(pickSeriesLevel(range, 5 * MIN).level).toBe('1m');
    expect(pickSeriesLevel(range, 90 * MIN).level).toBe('1m');
    expect(pickSeriesLevel(range, 30_000).level).toBe('raw');
    expect(pickSeriesLevel(range, 61_000).level).toBe('raw');
  });

  test('widens the range to whole steps on the epoch grid', () => {
    expect(pickSeriesLevel({ fromMs: 90_000, toMs: 7_230_000 }, 5 * MIN)).toEqual({
      level: '1m',
      fromMs: 0,
      toMs: 7_500_000,
    });
    expect(pickSeriesLevel({ fromMs: HOUR, toMs: 3 * HOUR }, HOUR)).toEqual({
      level: '1h',
      fromMs: HOUR,
      toMs: 3 * HOUR,
    });
    // An empty range still has one bucket.
    expect(pickSeriesLevel({ fromMs: HOUR, toMs: HOUR }, MIN)).toEqual({
      level: '1m',
      fromMs: HOUR,
      toMs: HOUR + MIN,
    });
  });

  test('a forced level must divide the step', () => {
    expect(pickSeriesLevel({ fromMs: 0, toMs: HOUR }, HOUR, 'raw').level).toBe('raw');
    expect(pickSeriesLevel({ fromMs: 0, toMs: HOUR }, HOUR, '1m').level).toBe('1m');
    expect(() => pickSeriesLevel({ fromMs: 0, toMs: HOUR }, 30_000, '1m')).toThrow(BadRequestError);
  });

  test('property: aligned range covers the request, on the step grid, level divides step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 0, max: 30 * DAY }),
        fc.constantFrom(1000, 15_000, MIN, 5 * MIN, HOUR, 6 * HOUR, DAY),
        (fromMs, span, step) => {
          const c = pickSeriesLevel({ fromMs, toMs: fromMs + span }, step);
          expect(c.fromMs).toBeLessThanOrEqual(fromMs);
          expect(c.toMs).toBeGreaterThanOrEqual(fromMs + span);
          expect(c.fromMs % step).toBe(0);
          expect(c.toMs % step).toBe(0);
          expect(step % LEVEL_MS[c.level]).toBe(0);
          expect(fromMs - c.fromMs).toBeLessThan(step);
        },
      ),
    );
  });
});

describe('pickSummaryLevel', () => {
  test('reads hours for days, minutes for hours, raw rows for minutes', () => {
    const now = 100 * DAY + 17 * MIN + 3_456;
    expect(pickSummaryLevel({ fromMs: now - 7 * DAY, toMs: now }).level).toBe('1h');
    expect(pickSummaryLevel({ fromMs: now - DAY, toMs: now }).level).toBe('1m');
    expect(pickSummaryLevel({ fromMs: now - 15 * MIN, toMs: now }).level).toBe('raw');
    expect(pickSummaryLevel({ fromMs: now - 15 * MIN, toMs: now })).toEqual({
      level: 'raw',
      fromMs: now - 15 * MIN,
      toMs: now,
    });
    // Whole hours: no widening, the coarsest level.
    expect(pickSummaryLevel({ fromMs: 5 * HOUR, toMs: 7 * HOUR })).toEqual({
      level: '1h',
      fromMs: 5 * HOUR,
      toMs: 7 * HOUR,
    });
  });

  test('skips a level whose retention no longer holds the start', () => {
    const now = 400 * DAY;
    const horizons = horizonsFor(now, { raw: 7, minute: 30, hour: 365 });
    // 20-day range starting 40 days ago: minutes are gone, hours remain.
    const old = { fromMs: now - 40 * DAY + 7 * MIN, toMs: now - 39 * DAY };
    expect(pickSummaryLevel(old, horizons).level).toBe('1h');
    // 2 hours, 10 days ago: raw rows are gone, minutes answer.
    const mid = { fromMs: now - 10 * DAY + 20 * MIN + 30_000, toMs: now - 10 * DAY + 2 * HOUR };
    expect(pickSummaryLevel(mid, horizons).level).toBe('1m');
    // Older than every level: the coarsest.
    expect(pickSummaryLevel({ fromMs: 0, toMs: MIN }, horizons).level).toBe('1h');
  });

  test('property: the range grows by at most the slack unless raw rows are gone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 1, max: 30 * DAY }),
        (fromMs, span) => {
          const c = pickSummaryLevel({ fromMs, toMs: fromMs + span });
          expect(c.fromMs).toBeLessThanOrEqual(fromMs);
          expect(c.toMs).toBeGreaterThanOrEqual(fromMs + span);
          expect(c.toMs - c.fromMs - span).toBeLessThanOrEqual(span * SUMMARY_SLACK);
          expect(c.fromMs % LEVEL_MS[c.level]).toBe(0);
          expect(c.toMs % LEVEL_MS[c.level]).toBe(0);
        },
      ),
    );
  });
});

test('parseLevel', () => {
  expect(parseLevel(undefined)).toBeUndefined();
  expect(parseLevel('auto')).toBeUndefined();
  expect(parseLevel('1h')).toBe('1h');
  expect(() => parseLevel('5m')).toThrow(/level must be/);
});
