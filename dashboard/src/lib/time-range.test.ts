import { describe, expect, it } from 'vitest';
import {
  describeRange,
  formatRange,
  isRelative,
  rangeTitle,
  resolveRange,
  resolveTime,
  stepFor,
  zoneName,
} from './time-range.js';

const NOW = Date.parse('2026-12-02T01:00:00.000Z');

describe('resolveTime', () => {
  it('resolves now, relative offsets and ISO dates', () => {
    expect(resolveTime('now', NOW)).toBe(NOW);
    expect(resolveTime('now-15m', NOW)).toBe(NOW - 15 * 60_000);
    expect(resolveTime('now-2d', NOW)).toBe(NOW - 2 * 86_400_000);
    expect(resolveTime('2026-12-01T00:00:00Z', NOW)).toBe(Date.parse('2026-12-01T00:00:00Z'));
  });
  it('rejects what it cannot read', () => {
    expect(resolveTime('yesterday', NOW)).toBeUndefined();
    expect(resolveTime('now-1y', NOW)).toBeUndefined();
    expect(resolveTime('2026-13-45', NOW)).toBeUndefined();
    expect(resolveTime('12', NOW)).toBeUndefined();
  });
});

describe('resolveRange', () => {
  it('gives ISO bounds', () => {
    expect(resolveRange('now-1h', 'now', NOW)).toEqual({
      fromMs: NOW - 3_600_000,
      toMs: NOW,
      from: '2026-12-02T00:00:00.000Z',
      to: '2026-12-02T01:00:00.000Z',
    });
  });
  it('falls back to the last hour for invalid or inverted input', () => {
    expect(resolveRange('bogus', 'now', NOW).from).toBe('2026-12-02T00:00:00.000Z');
    expect(resolveRange('now', 'now-1h', NOW).fromMs).toBe(NOW - 3_600_000);
  });
});

describe('labels and steps', () => {
  it('names presets and absolute ranges', () => {
    expect(describeRange('now-1h', 'now')).toBe('Last hour');
    expect(describeRange('now-3h', 'now')).toBe('Last 3h');
    expect(
      describeRange('2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z', {
        timeZone: 'UTC',
        nowMs: NOW,
      }),
    ).toBe('Dec 1, 00:00 – 01:00 UTC');
    expect(isRelative('now')).toBe(true);
    expect(isRelative('2026-12-01T01:00:00Z')).toBe(false);
  });
  it('picks a step giving at most about 60 points', () => {
    expect(stepFor(0, 3_600_000)).toBe('1m');
    expect(stepFor(0, 6 * 3_600_000)).toBe('15m');
    expect(stepFor(0, 7 * 86_400_000)).toBe('6h');
  });
});

describe("the viewer's zone (no timeZone)", () => {
  it('names it by its offset', () => {
    expect(zoneName(0)).toBe('UTC');
    expect(zoneName(60)).toBe('UTC+1');
    expect(zoneName(-300)).toBe('UTC\u22125');
    expect(zoneName(330)).toBe('UTC+5:30');
    expect(zoneName(-570)).toBe('UTC\u22129:30');
  });

  it('writes the local fields and zone, as Intl does in that zone', () => {
    const from = Date.parse('2026-12-01T00:00:00Z');
    const to = Date.parse('2026-12-01T01:30:15Z');
    const d = new Date(from);
    const zone = zoneName(-d.getTimezoneOffset());
    const label = formatRange(from, to, { nowMs: from });
    expect(label.endsWith(` ${zone}`)).toBe(true);
    expect(
      label.startsWith(`Dec ${d.getDate()}, ${String(d.getHours()).padStart(2, '0')}:00:00`) ||
        label.startsWith(`Nov ${d.getDate()}, ${String(d.getHours()).padStart(2, '0')}:00:00`),
    ).toBe(true);
    // In UTC both paths write the same label.
    if (d.getTimezoneOffset() === 0)
      expect(label).toBe(formatRange(from, to, { timeZone: 'UTC', nowMs: from }));
  });
});

describe('absolute range labels', () => {
  const at = (iso: string) => Date.parse(iso);
  const utc = { timeZone: 'UTC', nowMs: NOW };

  it('writes a same-day range with the day once, 24-hour times and the zone', () => {
    expect(formatRange(at('2026-12-02T07:00:00Z'), at('2026-12-02T09:00:00Z'), utc)).toBe(
      'Dec 2, 07:00 – 09:00 UTC',
    );
    expect(formatRange(at('2026-12-02T00:00:00Z'), at('2026-12-02T13:05:00Z'), utc)).toBe(
      'Dec 2, 00:00 – 13:05 UTC',
    );
  });
  it('shows times in the given (viewer’s) zone, not UTC', () => {
    expect(
      formatRange(at('2026-12-02T07:00:00Z'), at('2026-12-02T09:00:00Z'), {
        timeZone: 'Asia/Tokyo',
        nowMs: NOW,
      }),
    ).toBe('Dec 2, 16:00 – 18:00 GMT+9');
  });
  it('repeats the day across midnight and adds the year outside the current one', () => {
    expect(formatRange(at('2026-12-02T23:00:00Z'), at('2026-12-03T01:00:00Z'), utc)).toBe(
      'Dec 2, 23:00 – Dec 3, 01:00 UTC',
    );
    expect(formatRange(at('2025-12-31T23:00:00Z'), at('2026-01-01T01:00:00Z'), utc)).toBe(
      'Dec 31, 2025, 23:00 – Jan 1, 2026, 01:00 UTC',
    );
  });
  it('shows seconds only when a bound has them (a dragged zoom)', () => {
    expect(formatRange(at('2026-12-02T07:12:34.567Z'), at('2026-12-02T07:40:00Z'), utc)).toBe(
      'Dec 2, 07:12:34 – 07:40:00 UTC',
    );
  });
  it('names both zones when daylight saving changes inside the range', () => {
    expect(
      formatRange(at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'), {
        timeZone: 'Europe/Paris',
        nowMs: NOW,
      }),
    ).toBe('Oct 24, 14:00 GMT+2 – Oct 25, 13:00 GMT+1');
  });
  it('keeps a relative bound as typed beside an absolute one', () => {
    expect(describeRange('2026-12-02T07:00:00Z', 'now', utc)).toBe('Dec 2, 07:00 UTC – now');
    expect(describeRange('now-2h', 'now-1h', utc)).toBe('now-2h – now-1h');
  });
  it('gives the exact ISO bounds for the title', () => {
    expect(rangeTitle('2026-12-02T07:00:00Z', '2026-12-02T09:00:00+01:00')).toBe(
      '2026-12-02T07:00:00.000Z – 2026-12-02T08:00:00.000Z',
    );
    expect(rangeTitle('2026-12-02T07:00:00Z', 'now')).toBe('2026-12-02T07:00:00.000Z – now');
  });
});
