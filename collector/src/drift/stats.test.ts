import { describe, expect, test } from 'vitest';
import { chiSquareSurvival } from '../query/special-functions.js';
import { rng, type ScipyCase, scipyReference } from './__fixtures__/scipy.js';
import { chiSquare, jensenShannon, psi } from './stats.js';

// Every figure is compared with NumPy/SciPy run at test time on the same counts.

function randomCounts(rand: () => number, k: number, scale: number, zeros = false): number[] {
  return Array.from({ length: k }, () =>
    zeros && rand() < 0.2 ? 0 : 1 + Math.floor(rand() * scale),
  );
}

describe('count statistics against SciPy', () => {
  const rand = rng(7);
  const cases: { ref: number[]; cur: number[] }[] = [
    {
      ref: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
      cur: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
    },
    {
      ref: [100, 100, 100, 100, 100, 100, 100, 100, 100, 100],
      cur: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1000],
    },
    { ref: [5, 1], cur: [1, 5] },
    { ref: [3, 0, 7], cur: [2, 0, 9] },
  ];
  for (let i = 0; i < 40; i++) {
    const k = 2 + Math.floor(rand() * 12);
    cases.push({
      ref: randomCounts(rand, k, 1 + rand() * 5000, i % 3 === 0),
      cur: randomCounts(rand, k, 1 + rand() * 5000),
    });
  }
  // A category the reference never saw: infinite chi-square, p = 0.
  cases.push({ ref: [50, 50, 0], cur: [40, 40, 3] });
  const expected = scipyReference(cases.map((c): ScipyCase => ({ type: 'counts', ...c })));

  test.each(cases.map((c, i) => [i, c] as const))('case %i', (i, c) => {
    const want = expected[i]!;
    expect(psi(c.ref, c.cur)).toBeCloseTo(want.psi, 9);
    expect(jensenShannon(c.ref, c.cur)).toBeCloseTo(want.js, 7);
    const chi = chiSquare(c.ref, c.cur);
    if (want.chi_stat === null) {
      expect(chi.statistic).toBe(Number.POSITIVE_INFINITY);
      expect(chi.pValue).toBe(0);
    } else {
      expect(Math.abs(chi.statistic - want.chi_stat!)).toBeLessThan(
        1e-6 * Math.max(1, want.chi_stat!),
      );
      expect(Math.abs(chi.pValue - want.chi_p!)).toBeLessThan(1e-9);
    }
  });
});

describe('chi-square survival function', () => {
  test('known values', () => {
    // chi2.sf(3.841458820694124, 1) = 0.05; chi2.sf(16.918977604620448, 9) = 0.05
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(16.918977604620448, 9)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(0, 4)).toBe(1);
  });
});

describe('edge cases', () => {
  test('an empty side gives NaN, not a number that looks like a verdict', () => {
    expect(psi([], [])).toBeNaN();
    expect(psi([1, 2], [0, 0])).toBeNaN();
    expect(jensenShannon([0, 0], [1, 1])).toBeNaN();
    expect(chiSquare([0, 0], [1, 1]).pValue).toBeNaN();
  });
  test('one category has no degrees of freedom', () => {
    expect(chiSquare([10], [20]).pValue).toBeNaN();
  });
  test('identical distributions: PSI and JS are 0', () => {
    expect(psi([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(jensenShannon([1, 2, 3], [2, 4, 6])).toBeCloseTo(0, 7);
  });
});
