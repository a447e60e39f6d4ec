import { describe, expect, it } from 'vitest';
import { formatMs, formatNumber, formatPercent, formatUsd } from './format.js';

describe('format', () => {
  it('formats durations', () => {
    expect(formatMs(412.4)).toBe('412 ms');
    expect(formatMs(1240)).toBe('1.24 s');
    expect(formatMs(3.21)).toBe('3.2 ms');
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
});
