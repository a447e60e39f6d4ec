import { describe, expect, it } from 'vitest';
import {
  coveredFrom,
  gridOf,
  gridParams,
  MAX_POINTS,
  onePoint,
  pointTimes,
  rowsRange,
  windowLevel,
} from './grid.js';

const MIN = 60_000;

/** What pointsOfRow computes in SQL, in JS: the points whose windows hold a row at ts. */
function pointsOf(ts: number, params: ReturnType<typeof gridParams>): number[] {
  const p = params as Record<'g_first' | 'g_step' | 'g_n' | 'g_reach', number>;
  const lo = Math.max(0, Math.floor((ts - p.g_first) / p.g_step) + 1);
  const hi = Math.max(0, Math.min(p.g_n, Math.ceil((ts + p.g_reach - p.g_first) / p.g_step)));
  return Array.from({ length: Math.max(0, hi - lo) }, (_, i) => lo + i);
}

describe('grids of trailing windows', () => {
  it('ends the last point at the range end and keeps the first inside it', () => {
    const g = gridOf({ fromMs: 1000, toMs: 10 * MIN + 500, stepMs: 3 * MIN });
    expect(pointTimes(g)).toEqual([MIN + 500, 4 * MIN + 500, 7 * MIN + 500, 10 * MIN + 500]);
    expect(gridOf({ fromMs: 5, toMs: 5, stepMs: MIN }).n).toBe(1);
    expect(() => gridOf({ fromMs: 0, toMs: MAX_POINTS * MIN, stepMs: MIN })).toThrow(/at most/);
    expect(() => gridOf({ fromMs: 0, toMs: MIN, stepMs: 0 })).toThrow(/step/);
  });

  it('reads raw rows under 2 minutes or with raw-only filters, minutes up to a day, hours beyond', () => {
    expect(windowLevel(90_000)).toBe('raw');
    expect(windowLevel(5 * MIN)).toBe('1m');
    expect(windowLevel(5 * MIN, true)).toBe('raw');
    expect(windowLevel(24 * 60 * MIN)).toBe('1m');
    expect(windowLevel(30 * 24 * 60 * MIN)).toBe('1h');
  });

  it('widens a window to the row its start falls in', () => {
    expect(coveredFrom(10 * MIN + 17_000, 5 * MIN, '1m')).toBe(5 * MIN);
    expect(coveredFrom(10 * MIN + 17_000, 5 * MIN, 'raw')).toBe(5 * MIN + 17_000);
    expect(rowsRange(onePoint(10 * MIN + 17_000), 5 * MIN, '1m')).toEqual({
      fromMs: 5 * MIN,
      toMs: 10 * MIN + 17_000,
    });
  });

  it('hands every minute row to exactly the points whose windows hold it', () => {
    // Points at 10, 13, 16, 19 min (+ 30 s), windows of 5 min on minute rows.
    const grid = gridOf({ fromMs: 10 * MIN, toMs: 19 * MIN + 30_000, stepMs: 3 * MIN });
    const p = gridParams(grid, 5 * MIN, '1m');
    const times = pointTimes(grid);
    for (let m = 0; m < 25; m++) {
      const ts = m * MIN;
      const want = times
        .map((t, k) => [t, k] as const)
        .filter(([t]) => ts >= coveredFrom(t, 5 * MIN, '1m') && ts < t)
        .map(([, k]) => k);
      expect(pointsOf(ts, p), `minute ${m}`).toEqual(want);
    }
  });

  it('hands every raw row to the points whose windows [t − W, t) hold it', () => {
    const grid = gridOf({ fromMs: 0, toMs: 10_000, stepMs: 2_500 });
    const p = gridParams(grid, 4_000, 'raw');
    const times = pointTimes(grid);
    for (let ts = -5_000; ts < 12_000; ts += 250) {
      const want = times
        .map((t, k) => [t, k] as const)
        .filter(([t]) => ts >= t - 4_000 && ts < t)
        .map(([, k]) => k);
      expect(pointsOf(ts, p), `ts ${ts}`).toEqual(want);
    }
  });
});
