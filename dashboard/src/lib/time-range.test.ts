import { describe, expect, it } from 'vitest';
import { describeRange, isRelative, resolveRange, resolveTime, stepFor } from './time-range.js';

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
    expect(describeRange('2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z')).toContain('→');
    expect(isRelative('now')).toBe(true);
    expect(isRelative('2026-12-01T01:00:00Z')).toBe(false);
  });
  it('picks a step giving at most about 60 points', () => {
    expect(stepFor(0, 3_600_000)).toBe('1m');
    expect(stepFor(0, 6 * 3_600_000)).toBe('15m');
    expect(stepFor(0, 7 * 86_400_000)).toBe('6h');
  });
});
