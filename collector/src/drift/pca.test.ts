import { describe, expect, test } from 'vitest';
import { gauss, rng } from '../testing/stats-reference.js';
import { correlatedPairs, multivariateReference } from './__fixtures__/multivariate.js';
import { fitPca, reconstructionErrors, symmetricEigen } from './pca.js';

// The PCA is compared with NumPy's eigh run at test time on the same rows.

describe('symmetric eigen decomposition', () => {
  test('a known matrix', () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]![0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0]![0]! * vectors[0]![1]!).toBeGreaterThan(0);
  });

  test('A v = λ v for a random symmetric matrix', () => {
    const rand = rng(5);
    const n = 12;
    const a = Array.from({ length: n }, () => Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i]![j] = a[j]![i] = rand() * 2 - 1;
    const { values, vectors } = symmetricEigen(a);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i]![j]! * vectors[k]![j]!;
        expect(Math.abs(av - values[k]! * vectors[k]![i]!)).toBeLessThan(1e-10);
      }
    }
    for (let k = 1; k < n; k++) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
  });
});

describe('PCA reconstruction errors against NumPy', () => {
  const rand = rng(3);
  const g = () => gauss(rand);
  const mixed = (n: number, d: number) =>
    Array.from({ length: n }, () => {
      const base = g();
      return Array.from({ length: d }, (_, j) => (j % 2 ? base * (j + 1) + g() : g() * 5 + j));
    });
  const cases = [
    { fit: correlatedPairs(g, 400, 0.9), rows: correlatedPairs(g, 50, -0.9), share: 0.9 },
    { fit: mixed(300, 6), rows: mixed(40, 6), share: 0.9 },
    { fit: mixed(500, 9), rows: mixed(60, 9), share: 0.65 },
    { fit: mixed(200, 3), rows: mixed(20, 3), share: 0.999 },
  ];
  const want = multivariateReference(cases.map((c) => ({ type: 'pca', ...c })));

  test.each(cases.map((c, i) => [i, c] as const))('case %i', (i, c) => {
    const model = fitPca(c.fit, c.share);
    const w = want[i]!;
    expect(model.components.length).toBe(w.components);
    expect(Math.abs(model.explained - w.explained!)).toBeLessThan(1e-12);
    const errors = reconstructionErrors(model, c.rows);
    for (const [j, e] of errors.entries())
      expect(Math.abs(e - w.errors![j]!), `row ${j}`).toBeLessThan(1e-9);
  });
});
