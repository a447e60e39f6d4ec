import { describe, expect, it } from 'vitest';
import { isActive, localTime, recurrenceSchema } from './schedule.js';

// 2026-01-03 is a Saturday.
const at = (iso: string) => Date.parse(iso);

describe('maintenance schedules', () => {
  it('one-off: [startsAt, endsAt)', () => {
    const s = {
      kind: 'once' as const,
      startsAt: '2026-01-03T10:00:00Z',
      endsAt: '2026-01-03T11:00:00Z',
    };
    expect(isActive(s, at('2026-01-03T09:59:59Z'))).toBe(false);
    expect(isActive(s, at('2026-01-03T10:00:00Z'))).toBe(true);
    expect(isActive(s, at('2026-01-03T11:00:00Z'))).toBe(false);
  });

  it('weekly, within a day, in a time zone', () => {
    const s = {
      kind: 'weekly' as const,
      days: ['sat' as const],
      start: '02:00',
      end: '04:00',
      timezone: 'Europe/Berlin',
    };
    expect(localTime(at('2026-01-03T01:30:00Z'), 'Europe/Berlin')).toEqual({ day: 6, minute: 150 });
    expect(isActive(s, at('2026-01-03T01:30:00Z'))).toBe(true); // 02:30 in Berlin
    expect(isActive(s, at('2026-01-03T03:30:00Z'))).toBe(false); // 04:30 in Berlin
    expect(isActive(s, at('2026-01-10T02:59:00Z'))).toBe(true); // next Saturday
    expect(isActive(s, at('2026-01-04T01:30:00Z'))).toBe(false); // Sunday
  });

  it('weekly across midnight belongs to the day it starts', () => {
    const s = {
      kind: 'weekly' as const,
      days: ['sat' as const],
      start: '22:00',
      end: '02:00',
      timezone: 'UTC',
    };
    expect(isActive(s, at('2026-01-03T23:00:00Z'))).toBe(true);
    expect(isActive(s, at('2026-01-04T01:59:00Z'))).toBe(true);
    expect(isActive(s, at('2026-01-04T02:00:00Z'))).toBe(false);
    expect(isActive(s, at('2026-01-03T01:00:00Z'))).toBe(false); // Saturday early: Friday was not listed
  });

  it('validates recurrences', () => {
    expect(
      recurrenceSchema.safeParse({ days: ['mon'], start: '25:00', end: '01:00' }).success,
    ).toBe(false);
    expect(
      recurrenceSchema.safeParse({
        days: ['mon'],
        start: '01:00',
        end: '02:00',
        timezone: 'Mars/Base',
      }).success,
    ).toBe(false);
    expect(recurrenceSchema.safeParse({ days: [], start: '01:00', end: '02:00' }).success).toBe(
      false,
    );
    expect(recurrenceSchema.parse({ days: ['mon'], start: '01:00', end: '02:00' }).timezone).toBe(
      'UTC',
    );
  });
});
