import { describe, expect, it } from 'vitest';
import { timeTicks } from './time-ticks.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString().slice(0, 19));

describe('timeTicks', () => {
  it('an hour: the smallest round spacing that gives six at most', () => {
    const from = at('2026-12-02T10:07:00Z');
    const to = at('2026-12-02T11:07:00Z');
    expect(iso(timeTicks(from, to))).toEqual([
      '2026-12-02T10:10:00',
      '2026-12-02T10:20:00',
      '2026-12-02T10:30:00',
      '2026-12-02T10:40:00',
      '2026-12-02T10:50:00',
      '2026-12-02T11:00:00',
    ]);
    expect(iso(timeTicks(from, to, 4))).toEqual([
      '2026-12-02T10:15:00',
      '2026-12-02T10:30:00',
      '2026-12-02T10:45:00',
      '2026-12-02T11:00:00',
    ]);
  });

  it('bounds on a tick are ticks', () => {
    expect(iso(timeTicks(at('2026-12-02T00:00:00Z'), at('2026-12-02T06:00:00Z')))).toEqual([
      '2026-12-02T00:00:00',
      '2026-12-02T02:00:00',
      '2026-12-02T04:00:00',
      '2026-12-02T06:00:00',
    ]);
  });

  it('seven days: whole UTC days; never more than asked', () => {
    const ticks = timeTicks(at('2026-11-25T12:30:00Z'), at('2026-12-02T12:30:00Z'));
    expect(ticks.length).toBeLessThanOrEqual(6);
    expect(ticks.every((t) => t % 86_400_000 === 0)).toBe(true);
    for (const [from, to] of [
      [0, 1_500],
      [1_000, 3_600_000 * 24 * 400],
      [5, 7],
    ] as const)
      expect(timeTicks(from, to, 4).length).toBeLessThanOrEqual(4);
  });

  it('an empty or inverted range has none', () => {
    expect(timeTicks(10, 10)).toEqual([]);
    expect(timeTicks(10, 5)).toEqual([]);
  });
});
