import { describe, expect, test } from 'vitest';
import { histogramQuantile } from './histogram.js';

describe('histogramQuantile', () => {
  const bounds = [1, 2, 4];
  test('interpolates inside the bucket holding the rank', () => {
    // 10 observations in (1, 2]: the median sits half way through that bucket.
    expect(histogramQuantile(bounds, [0, 10, 0, 0], 0.5)).toBeCloseTo(1.5, 12);
    // 4 in [0, 1], 4 in (1, 2]: rank 6 of 8 is half way through the second bucket.
    expect(histogramQuantile(bounds, [4, 4, 0, 0], 0.75)).toBeCloseTo(1.5, 12);
  });
  test('the first bucket interpolates from zero', () => {
    expect(histogramQuantile(bounds, [10, 0, 0, 0], 0.5)).toBeCloseTo(0.5, 12);
  });
  test('the open-ended last bucket answers its lower bound', () => {
    expect(histogramQuantile(bounds, [0, 0, 0, 5], 0.99)).toBe(4);
  });
  test('empty histograms have no quantile', () => {
    expect(histogramQuantile(bounds, [0, 0, 0, 0], 0.5)).toBeNull();
    expect(histogramQuantile([], [], 0.5)).toBeNull();
  });
});
