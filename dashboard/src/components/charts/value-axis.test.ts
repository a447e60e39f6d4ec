import { describe, expect, test } from 'vitest';
import type { ChartRow } from './time-series-chart.js';
import { valueAxis } from './value-axis.js';

const one = (a: number) => [{ t: 0, a }];

describe('valueAxis', () => {
  test('ends at a round value with round steps, never at the data maximum', () => {
    expect(valueAxis(one(4.17), ['a']).ticks).toEqual([0, 1, 2, 3, 4, 5]);
    expect(valueAxis(one(413), ['a']).ticks).toEqual([0, 100, 200, 300, 400, 500]);
    expect(valueAxis(one(64), ['a']).ticks).toEqual([0, 20, 40, 60, 80]);
    expect(valueAxis(one(0.033), ['a']).ticks).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(valueAxis(one(0.3), ['a'])).toEqual({
      domain: [0, 0.3],
      ticks: [0, 0.1, 0.2, 0.3],
    });
  });

  test('a maximum that is already round is the top', () => {
    expect(valueAxis(one(100), ['a']).domain).toEqual([0, 100]);
    expect(valueAxis(one(0.05), ['a']).ticks).toEqual([0, 0.01, 0.02, 0.03, 0.04, 0.05]);
    expect(valueAxis(one(2.5), ['a']).ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
  });

  test('reads every listed line, skipping gaps and other keys', () => {
    const rows: ChartRow[] = [
      { t: 0, a: 450.8, b: null },
      { t: 1, a: 12, b: 3, c: 9999 },
    ];
    expect(valueAxis(rows, ['a', 'b']).domain).toEqual([0, 500]);
  });

  test('negative values get a round bound below them', () => {
    const rows = [
      { t: 0, a: -3 },
      { t: 1, a: 7 },
    ];
    expect(valueAxis(rows, ['a']).ticks).toEqual([-5, -2.5, 0, 2.5, 5, 7.5]);
  });

  test('no data or all zero: 0 to 1', () => {
    expect(valueAxis([], ['a']).domain).toEqual([0, 1]);
    expect(valueAxis(one(0), ['a']).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  test('at most the asked number of intervals, over many magnitudes', () => {
    for (let e = -6; e <= 9; e++)
      for (const m of [1, 1.01, 1.7, 2.2, 3.3, 4.9, 6.1, 7.77, 9.99]) {
        const max = m * 10 ** e;
        const { domain, ticks } = valueAxis(one(max), ['a']);
        expect(ticks.length - 1).toBeLessThanOrEqual(5);
        expect(ticks.length - 1).toBeGreaterThanOrEqual(2);
        expect(domain[1]).toBeGreaterThanOrEqual(max);
        // Not more than twice the room the data needs.
        expect(domain[1]).toBeLessThan(max * 2 + 1e-12);
      }
  });
});
