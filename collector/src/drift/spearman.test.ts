import { describe, expect, test } from 'vitest';
import { gauss, rng } from '../testing/stats-reference.js';
import { multivariateReference } from './__fixtures__/multivariate.js';
import { averageRanks, spearman } from './spearman.js';

// Every ρ is compared with scipy.stats.spearmanr run at test time on the same samples.

describe('average ranks', () => {
  test('ties share the mean of their ranks', () => {
    expect(averageRanks([10, 20, 20, 5, 20])).toEqual([2, 4, 4, 1, 4]);
    expect(averageRanks([1, 1])).toEqual([1.5, 1.5]);
    expect(averageRanks([])).toEqual([]);
  });
});

describe('Spearman ρ against SciPy', () => {
  const rand = rng(11);
  const cases: { x: number[]; y: number[] }[] = [
    { x: [1, 2, 3, 4, 5], y: [5, 6, 7, 8, 7] },
    { x: [1, 2, 3, 4, 5], y: [5, 4, 3, 2, 1] },
    // Ties on both sides.
    { x: [1, 2, 2, 3, 3, 3, 4], y: [0, 0, 1, 1, 2, 2, 2] },
    { x: [0.1, 0.4, 0.2, 0.9], y: [3, 3, 3, 3] },
  ];
  for (let i = 0; i < 30; i++) {
    const n = 3 + Math.floor(rand() * 60);
    const x = Array.from({ length: n }, () => gauss(rand));
    // Rounded values give ties; a share of x mixed in gives a real correlation.
    const w = rand() * 2 - 1;
    const y = x.map((v) => Math.round((w * v + gauss(rand)) * (i % 2 ? 2 : 100)));
    cases.push({ x: i % 3 === 0 ? x.map((v) => Math.round(v * 3)) : x, y });
  }
  const want = multivariateReference(cases.map((c) => ({ type: 'spearman', ...c })));

  test.each(cases.map((c, i) => [i, c] as const))('case %i', (i, c) => {
    const rho = spearman(c.x, c.y);
    const expected = want[i]!.rho;
    if (expected === null || expected === undefined) expect(rho).toBeNull();
    else expect(Math.abs(rho! - expected), `${rho} vs SciPy ${expected}`).toBeLessThan(1e-12);
  });

  test('fewer than 3 pairs give no correlation', () => {
    expect(spearman([1, 2], [2, 1])).toBeNull();
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow();
  });
});
