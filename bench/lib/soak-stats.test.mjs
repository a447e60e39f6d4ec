import { describe, expect, it } from 'vitest';
import { intervalPercentiles, linearFit, theilSenFit } from './soak-stats.mjs';

describe('theilSenFit', () => {
  it('finds the slope of points on a line', () => {
    const pts = [0, 1, 2, 3, 4, 5].map((x) => [x, 3 * x + 7]);
    expect(theilSenFit(pts)).toEqual({ slope: 3, medianY: 14.5 });
  });

  it('is not tilted by one spike where least squares is', () => {
    // Flat at 200 ms for 20 minutes, one minute of 2,000 ms near the end.
    const pts = Array.from({ length: 20 }, (_, i) => [i, i === 17 ? 2000 : 200 + (i % 3)]);
    expect(Math.abs(theilSenFit(pts).slope)).toBeLessThan(0.5);
    expect(linearFit(pts).slope).toBeGreaterThan(20);
  });

  it('still shows a rise that lasts', () => {
    const pts = Array.from({ length: 20 }, (_, i) => [i, i < 10 ? 200 : 300]);
    expect(theilSenFit(pts).slope).toBeGreaterThan(5);
  });

  it('has no slope without two distinct x', () => {
    expect(theilSenFit([[1, 5]]).slope).toBeNaN();
    expect(
      theilSenFit([
        [1, 5],
        [1, 9],
      ]).slope,
    ).toBeNaN();
  });
});

describe('intervalPercentiles', () => {
  it('puts sends in intervals by start time and skips empty ones and earlier sends', () => {
    const sends = [
      { t0: -5, ms: 999 },
      ...Array.from({ length: 100 }, (_, i) => ({ t0: 10 + i / 10, ms: i + 1 })),
      { t0: 2500, ms: 40 },
    ];
    expect(intervalPercentiles(sends, 0, 1000)).toEqual([
      [500, 51, 100],
      [2500, 40, 40],
    ]);
  });
});
