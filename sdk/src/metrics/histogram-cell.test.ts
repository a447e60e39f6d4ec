import { describe, expect, it } from 'vitest';
import { HistogramCell } from './histogram-cell.js';

describe('HistogramCell', () => {
  it('counts values into (lower, upper] buckets with an overflow bucket', () => {
    const h = new HistogramCell([1, 2, 4]);
    for (const v of [0, 1, 1.5, 2, 3, 4, 4.01, 100]) h.record(v);
    // (-inf,1]: 0,1  (1,2]: 1.5,2  (2,4]: 3,4  (4,inf): 4.01,100
    expect(h.counts).toEqual([2, 2, 2, 2]);
    expect(h.count).toBe(8);
    expect(h.sum).toBeCloseTo(115.51, 10);
    expect(h.min).toBe(0);
    expect(h.max).toBe(100);
  });

  it('ignores NaN, negative and infinite values', () => {
    const h = new HistogramCell([1]);
    h.record(Number.NaN);
    h.record(-1);
    h.record(Number.POSITIVE_INFINITY);
    expect(h.count).toBe(0);
    expect(h.counts).toEqual([0, 0]);
  });

  it('snapshots are copies', () => {
    const h = new HistogramCell([1]);
    h.record(0.5);
    const s = h.snapshot();
    h.record(0.5);
    expect(s.counts).toEqual([1, 0]);
    expect(h.counts).toEqual([2, 0]);
  });
});
