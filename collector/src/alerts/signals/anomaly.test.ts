import { describe, expect, it } from 'vitest';
import { judgeAnomaly, MAD_SCALE, median, robustSpread } from './anomaly.js';

describe('robust spread', () => {
  it('takes the median and the scaled MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // [8, 9, 10, 10, 10, 11, 12]: median 10, |deviations| [2,1,0,0,0,1,2] → MAD 1.
    expect(robustSpread([10, 11, 9, 10, 12, 10, 8])).toEqual({ median: 10, spread: 1.4826 });
  });

  it('ignores one past incident', () => {
    // The 500 moves neither the median (10) nor the MAD (1).
    expect(robustSpread([10, 11, 9, 10, 500, 10, 8])).toEqual({ median: 10, spread: MAD_SCALE });
  });

  it('falls back to the mean absolute deviation when the MAD is 0', () => {
    // Deviations from the median 5: [0,0,0,0,4] → MAD 0, mean 0.8 → 1.253314 · 0.8.
    const r = robustSpread([5, 5, 5, 5, 9]);
    expect(r.median).toBe(5);
    expect(r.spread).toBeCloseTo(1.0026512, 7);
  });
});

describe('judgeAnomaly', () => {
  const history = [10, 11, 9, 10, 12, 10, 8];

  it('fires outside the band and reports the score in spreads', () => {
    const s = judgeAnomaly(30, history, { threshold: 3, minHistory: 7 });
    expect(s.breach).toBe('firing');
    expect(s.value).toBe(30);
    expect(s.band?.lower).toBeCloseTo(10 - 3 * 1.4826, 10);
    expect(s.band?.upper).toBeCloseTo(10 + 3 * 1.4826, 10);
    expect(s.details?.score).toBeCloseTo(20 / 1.4826, 10);
    expect(s.details?.historyPoints).toBe(7);
  });

  it('stays ok inside the band, on either side', () => {
    expect(judgeAnomaly(14, history, { threshold: 3, minHistory: 7 }).breach).toBe('ok');
    expect(judgeAnomaly(5.5, history, { threshold: 3, minHistory: 7 }).breach).toBe('firing');
    expect(judgeAnomaly(5.6, history, { threshold: 3, minHistory: 7 }).breach).toBe('ok');
  });

  it('states missing history instead of guessing', () => {
    const s = judgeAnomaly(30, [10, null, 11, 9], { threshold: 3, minHistory: 7 });
    expect(s).toEqual({ value: null, details: { insufficientHistory: 3, minHistory: 7 } });
  });

  it('breaches on any change of a flat history, with no finite score', () => {
    const flat = [0, 0, 0, 0, 0, 0, 0];
    expect(judgeAnomaly(0, flat, { threshold: 3, minHistory: 7 }).breach).toBe('ok');
    const s = judgeAnomaly(1, flat, { threshold: 3, minHistory: 7 });
    expect(s.breach).toBe('firing');
    expect(s.details?.score).toBeNull();
  });

  it('draws the band even when the current value is missing', () => {
    const s = judgeAnomaly(null, history, { threshold: 2, minHistory: 7 });
    expect(s.value).toBeNull();
    expect(s.breach).toBeUndefined();
    expect(s.band?.upper).toBeCloseTo(10 + 2 * 1.4826, 10);
  });
});
