import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { gauss, rng, runScipy } from '../testing/stats-reference.js';
import { ksTwoSampleAsympP, kstwoSf } from './ks-pvalue.js';

// SciPy's kstwo.sf and ks_2samp, run at test time, are the reference (to 1e-6).
const SCRIPT = fileURLToPath(new URL('./__fixtures__/kstwo_reference.py', import.meta.url));
const TOL = 1e-6;

describe('kstwo survival function against SciPy', () => {
  // Every branch SciPy's _kolmogn takes: n·x ≤ 1, n·x ≥ n − 1, x ≥ 0.5, n ≤ 140 (Durbin,
  // Pomeranz, 2·smirnov), and for larger n the cut-offs on n·x² (2·smirnov, Durbin,
  // Pelz–Good) and n·x^1.5.
  const cases: { n: number; x: number }[] = [];
  for (const n of [2, 7, 30, 100, 140, 141, 500, 2_000, 9_000, 50_000, 100_000, 100_001, 400_000])
    for (const nx2 of [
      0.02, 0.1, 0.3, 0.5, 0.75, 0.9, 1.5, 2.1, 2.3, 3, 4, 5, 9, 20, 60, 300, 400,
    ]) {
      const x = Math.sqrt(nx2 / n);
      if (x < 1) cases.push({ n, x });
    }
  for (const n of [3, 60, 141, 1_000])
    for (const t of [0.4, 0.6, 0.9, 1]) cases.push({ n, x: t / n });
  for (const n of [5, 20, 200]) for (const x of [0.5, 0.7, 0.95, 1 - 1 / n]) cases.push({ n, x });
  const want = runScipy<{ n: number; x: number }, number>(SCRIPT, cases);

  test.each(cases.map((c, i) => [c.n, c.x, i] as const))('n=%d x=%f', (n, x, i) => {
    const got = kstwoSf(n, x);
    expect(Math.abs(got - want[i]!), `${got} vs SciPy ${want[i]}`).toBeLessThan(TOL);
  });
});

describe('two-sample p-value above 10,000 values equals ks_2samp', () => {
  const rand = rng(11);
  const sample = (n: number, shift: number, scale = 1) =>
    Array.from({ length: n }, () => shift + scale * gauss(rand));
  const cases = [
    { ref: sample(12_000, 0), cur: sample(11_000, 0) },
    { ref: sample(20_000, 0), cur: sample(15_000, 0.02) },
    { ref: sample(10_001, 0), cur: sample(30_000, 0.05, 1.1) },
    { ref: sample(150, 0), cur: sample(12_000, 0.1) },
    { ref: sample(40_000, 0), cur: sample(40_000, 0.001) },
  ];
  const want = runScipy<{ ref: number[]; cur: number[] }, [number, number]>(SCRIPT, cases);

  test.each(cases.map((c, i) => [c.ref.length, c.cur.length, i] as const))(
    '%d vs %d values',
    (n1, n2, i) => {
      const [d, p] = want[i]!;
      const got = ksTwoSampleAsympP(d, n1, n2);
      expect(Math.abs(got - p), `${got} vs SciPy ${p}`).toBeLessThan(TOL);
    },
  );
});
