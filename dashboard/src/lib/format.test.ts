import { describe, expect, it } from 'vitest';
import {
  formatMs,
  formatNumber,
  formatPercent,
  formatTick,
  formatTooltipTime,
  formatUsd,
} from './format.js';

describe('format', () => {
  it('formats durations', () => {
    expect(formatMs(412.4)).toBe('412 ms');
    expect(formatMs(1240)).toBe('1.24 s');
    expect(formatMs(3.21)).toBe('3.2 ms');
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(null)).toBe('—');
  });
  it('formats ratios, money and counts', () => {
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(0.0123)).toBe('1.23%');
    expect(formatUsd(0.01234)).toBe('$0.0123');
    expect(formatUsd(12.4)).toBe('$12.40');
    expect(formatNumber(96)).toBe('96');
    expect(formatNumber(12_345)).toBe('12.3k');
    expect(formatNumber(2.5)).toBe('2.50');
    expect(formatNumber(0.025)).toBe('0.025');
    expect(formatNumber(0.0301)).toBe('0.03');
    expect(formatNumber(undefined)).toBe('—');
  });
  it('formats time ticks in UTC, the date only beyond a day', () => {
    const t = Date.UTC(2026, 11, 2, 4, 5, 59);
    expect(formatTick(t, 3_600_000)).toBe('04:05');
    expect(formatTick(t, 86_400_000)).toBe('04:05');
    expect(formatTick(t, 86_400_001)).toBe('Dec 2 04:05');
    expect(formatTick(Date.UTC(2027, 0, 31, 23, 59), 7 * 86_400_000)).toBe('Jan 31 23:59');
  });
  it('writes tooltip times in UTC and says so', () => {
    expect(formatTooltipTime(Date.UTC(2026, 11, 2, 4, 5, 59, 900))).toBe('2026-12-02 04:05:59 UTC');
  });
  it('formats time ticks as the locale formatter it replaced did', () => {
    // Every 7 h 13 min for a year: each hour, minute, month and day-of-month turns up.
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 26_000_000) {
      const d = new Date(t);
      const hm = d.toLocaleTimeString('en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'UTC',
      });
      const md = d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
      expect(formatTick(t, 3_600_000)).toBe(hm);
      expect(formatTick(t, 2 * 86_400_000)).toBe(`${md} ${hm}`);
    }
  });
});
