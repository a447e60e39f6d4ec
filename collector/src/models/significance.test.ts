import { describe, expect, test } from 'vitest';
import { normalSf } from '../query/special-functions.js';
import {
  gauss,
  rng,
  type SignificanceCase,
  scipySignificance,
} from './__fixtures__/significance-scipy.js';
import {
  alwaysValidHalfWidth,
  alwaysValidPValue,
  mannWhitneyCounts,
  twoProportions,
  verdictOf,
} from './significance.js';

// The fixed-horizon statistics are compared with SciPy run at test time on the same
// samples; the sequential test with its definition, integrated numerically.

/** Counts per distinct value (ascending) of two samples: the input the engine returns. */
function countsOf(a: number[], b: number[]): { a: number[]; b: number[] } {
  const values = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const index = new Map(values.map((v, i) => [v, i]));
  const ca = Array<number>(values.length).fill(0);
  const cb = Array<number>(values.length).fill(0);
  for (const v of a) ca[index.get(v)!]!++;
  for (const v of b) cb[index.get(v)!]!++;
  return { a: ca, b: cb };
}

const rand = rng(11);
const sample = (n: number, shift: number, round: number) =>
  Array.from(
    { length: n },
    () => Math.round(Math.exp(3 + 0.5 * gauss(rand) + shift) * round) / round,
  );

describe('against SciPy', () => {
  const zs = [0, 1e-8, 0.1, 0.5, 1, 1.2, 1.2247, 1.7320508, 1.75, 1.96, 2.5, 3, 5, 8, 10, 20, 37];
  const mwu: { a: number[]; b: number[] }[] = [
    { a: [1, 2, 3], b: [4, 5, 6] },
    { a: [1, 1, 2, 2, 3], b: [2, 2, 3, 3, 3, 4] },
  ];
  for (let i = 0; i < 30; i++) {
    const n = 5 + Math.floor(rand() * 1500);
    const m = 5 + Math.floor(rand() * 1500);
    // Rounded to whole units (many ties), to 0.01 (few) or not at all (none).
    const round = [1, 100, 1e12][i % 3]!;
    const shift = i % 2 ? 0 : 0.1 * rand();
    mwu.push({ a: sample(n, 0, round), b: sample(m, shift, round) });
  }
  const props: { xa: number; na: number; xb: number; nb: number }[] = [];
  for (let i = 0; i < 30; i++) {
    const na = 10 + Math.floor(rand() * 100_000);
    const nb = 10 + Math.floor(rand() * 100_000);
    props.push({
      na,
      nb,
      xa: Math.floor(na * rand() * 0.3),
      xb: Math.floor(nb * rand() * 0.3),
    });
  }
  const cases: SignificanceCase[] = [
    { type: 'norm', z: zs },
    ...mwu.map((c): SignificanceCase => ({ type: 'mwu', ...c })),
    ...props.map((c): SignificanceCase => ({ type: 'prop', ...c })),
  ];
  const want = scipySignificance(cases);

  test('normal tail', () => {
    const sf = want[0]!.sf!;
    for (const [i, z] of zs.entries()) {
      expect(Math.abs(normalSf(z) - sf[i]!) / sf[i]!, `z=${z}`).toBeLessThan(1e-12);
      expect(Math.abs(normalSf(-z) - (1 - sf[i]!)), `z=-${z}`).toBeLessThan(1e-15);
    }
  });

  test.each(mwu.map((c, i) => [i, c] as const))('Mann–Whitney U, case %i', (i, c) => {
    const w = want[1 + i]!;
    const counts = countsOf(c.a, c.b);
    const got = mannWhitneyCounts(counts.a, counts.b)!;
    expect(got.nA).toBe(c.a.length);
    expect(got.nB).toBe(c.b.length);
    expect(Math.abs(got.uA - w.u!)).toBeLessThan(1e-9 * Math.max(1, w.u!));
    expect(Math.abs(got.pValue - w.p!), `${got.pValue} vs ${w.p}`).toBeLessThan(
      1e-12 + 1e-9 * w.p!,
    );
  });

  test.each(props.map((c, i) => [i, c] as const))('two proportions, case %i', (i, c) => {
    const w = want[1 + mwu.length + i]!;
    const got = twoProportions(c.xa, c.na, c.xb, c.nb)!;
    expect(Math.abs(got.z - w.z!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(w.z!)));
    expect(Math.abs(got.pValue - w.p!)).toBeLessThan(1e-12 + 1e-9 * w.p!);
  });
});

describe('Mann–Whitney U edge cases', () => {
  test('an empty arm or all values tied gives no test', () => {
    expect(mannWhitneyCounts([3, 4], [0, 0])).toBeNull();
    expect(mannWhitneyCounts([5], [7])).toBeNull();
  });
  test('B entirely above A: probability 1, A entirely above B: 0', () => {
    expect(mannWhitneyCounts([10, 0], [0, 10])!.probabilityBHigher).toBe(1);
    expect(mannWhitneyCounts([0, 10], [10, 0])!.probabilityBHigher).toBe(0);
  });
});

describe('mixture SPRT', () => {
  /** Λ by its definition: ∫ N(θ; 0, τ²) · L(θ)/L(0) dθ, the estimate θ̂ ~ N(θ, V). */
  function lambdaByQuadrature(z: number, m: number, delta: number): number {
    const V = 1 / m; // one observation's variance 1, effective sample size m
    const tau = delta;
    const est = z * Math.sqrt(V);
    let sum = 0;
    const h = tau / 2000;
    for (let t = -12 * tau; t <= 12 * tau; t += h) {
      const prior = Math.exp((-t * t) / (2 * tau * tau)) / (tau * Math.sqrt(2 * Math.PI));
      sum += prior * Math.exp((t * est) / V - (t * t) / (2 * V)) * h;
    }
    return sum;
  }

  test.each([
    [0, 100],
    [1.5, 50],
    [3, 100],
    [2, 5000],
    [4, 20_000],
  ])('z=%d, m=%d equals its definition', (z, m) => {
    const p = alwaysValidPValue(z, m, 0.1);
    const lambda = lambdaByQuadrature(z, m, 0.1);
    expect(Math.abs(p - Math.min(1, 1 / lambda)) / p).toBeLessThan(1e-6);
  });

  test('the interval excludes no effect exactly when the p-value is below alpha', () => {
    const r = rng(3);
    for (let i = 0; i < 2000; i++) {
      const m = 10 + r() * 1e5;
      const se = 0.001 + r();
      const z = (r() - 0.5) * 12;
      const alpha = [0.01, 0.05, 0.1][i % 3]!;
      const half = alwaysValidHalfWidth(se, m, alpha, 0.1);
      const excludes = Math.abs(z * se) > half;
      const p = alwaysValidPValue(z, m, 0.1);
      if (Math.abs(Math.abs(z * se) - half) > 1e-9 * half) expect(excludes).toBe(p < alpha);
    }
  });

  test('it asks for more evidence than a single fixed look', () => {
    // z = 2.5 is significant for one look (p = 0.012) but not always-valid at m = 1000.
    expect(2 * normalSf(2.5)).toBeLessThan(0.05);
    expect(alwaysValidPValue(2.5, 1000)).toBeGreaterThan(0.05);
    expect(alwaysValidPValue(5, 1000)).toBeLessThan(0.05);
  });

  test('verdicts: the direction depends on which way is better', () => {
    expect(verdictOf(0.01, 0.2, 0.05, false)).toBe('worse');
    expect(verdictOf(0.01, -0.2, 0.05, false)).toBe('better');
    expect(verdictOf(0.01, 0.2, 0.05, true)).toBe('better');
    expect(verdictOf(0.2, 0.2, 0.05, true)).toBe('no_significant_difference');
  });
});
