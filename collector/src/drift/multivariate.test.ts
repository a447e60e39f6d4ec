import { describe, expect, test } from 'vitest';
import { gauss, rng } from '../testing/stats-reference.js';
import { correlatedPairs } from './__fixtures__/multivariate.js';
import { type JointRow, multivariateDrift } from './multivariate.js';

const rand = rng(21);
const g = () => gauss(rand);

/** Joint rows of numeric features named `x`, `y`, ... from value tuples. */
function rows(
  side: 0 | 1,
  tuples: number[][],
  extra?: (i: number) => [string, string],
): JointRow[] {
  return tuples.map((t, i) => {
    const features = t.map((_, j) => String.fromCharCode(120 + j));
    const r: JointRow = {
      side,
      features,
      numeric: t.map(() => 1),
      nums: [...t],
      cats: t.map(() => ''),
    };
    if (extra) {
      const [f, c] = extra(i);
      r.features.push(f);
      r.numeric.push(0);
      r.nums.push(0);
      r.cats.push(c);
    }
    return r;
  });
}

describe('multivariate drift by PCA reconstruction error', () => {
  test('a correlation that flips (marginals unchanged) is drift', () => {
    const m = multivariateDrift(
      [...rows(0, correlatedPairs(g, 3000, 0.9)), ...rows(1, correlatedPairs(g, 2000, -0.9))],
      100,
    );
    expect(m).toMatchObject({
      method: 'pca_reconstruction',
      verdict: 'drift',
      drifted: true,
      components: 1,
      referenceRows: 3000,
      currentRows: 2000,
      features: ['x', 'y'],
    });
    // Held-out reference rows sit near the first axis; flipped rows lie along the second.
    expect(m.score!).toBeGreaterThan(3 * m.referenceScore!);
    expect(m.explainedVariance!).toBeGreaterThan(0.9);
  });

  test('the same joint distribution is not drift', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const h = () => gauss(r);
      const m = multivariateDrift(
        [...rows(0, correlatedPairs(h, 3000, 0.9)), ...rows(1, correlatedPairs(h, 2000, 0.9))],
        100,
      );
      expect(m.verdict, `seed ${seed}`).toBe('no_drift');
      expect(m.score!).toBeLessThan(m.threshold!);
    }
  });

  test('false alarms under no drift stay rare (300 simulated pairs of samples)', () => {
    // Five features with a joint structure (two correlated pairs and a category tied to one
    // of them), reference and current drawn alike: the 3-standard-error threshold allows
    // about 0.1% false alarms; 2% is far beyond noise.
    const sample = (h: () => number, side: 0 | 1, n: number): JointRow[] =>
      Array.from({ length: n }, () => {
        const a = h();
        const b = h();
        const plan = a + 0.5 * h() > 0.3 ? 'pro' : 'free';
        return {
          side,
          features: ['a', 'a2', 'b', 'b2', 'plan'],
          numeric: [1, 1, 1, 1, 0],
          nums: [a, 0.8 * a + 0.6 * h(), b, -0.5 * b + 0.87 * h(), 0],
          cats: ['', '', '', '', plan],
        };
      });
    const r = rng(99);
    const h = () => gauss(r);
    let alarms = 0;
    for (let i = 0; i < 300; i++) {
      const m = multivariateDrift([...sample(h, 0, 600), ...sample(h, 1, 300)], 100);
      if (m.drifted) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(6);
  });

  test('a categorical feature whose link to a numeric one reverses is drift', () => {
    const make = (side: 0 | 1, n: number) => {
      const xs = Array.from({ length: n }, () => [g()]);
      return rows(side, xs, (i) => {
        const high = xs[i]![0]! > 0;
        return ['plan', high === (side === 0) ? 'pro' : 'free'];
      });
    };
    const m = multivariateDrift([...make(0, 2000), ...make(1, 1500)], 100);
    expect(m.features).toEqual(['plan', 'x']);
    expect(m.verdict).toBe('drift');
  });

  test('too few rows, or fewer than two varying features, is insufficient data', () => {
    const few = multivariateDrift(
      [...rows(0, correlatedPairs(g, 500, 0.5)), ...rows(1, correlatedPairs(g, 50, 0.5))],
      100,
    );
    expect(few).toMatchObject({ verdict: 'insufficient_data', score: null, drifted: null });
    const constant = multivariateDrift(
      [
        ...rows(
          0,
          Array.from({ length: 400 }, () => [g(), 7]),
        ),
        ...rows(
          1,
          Array.from({ length: 400 }, () => [g(), 7]),
        ),
      ],
      100,
    );
    expect(constant).toMatchObject({ verdict: 'insufficient_data', features: ['x'] });
    expect(multivariateDrift([], 100).verdict).toBe('insufficient_data');
  });

  test('absent values are imputed, not dropped', () => {
    const ref = rows(0, correlatedPairs(g, 1000, 0.8));
    const cur = rows(1, correlatedPairs(g, 1000, 0.8));
    // Every tenth current row lacks y: imputed with the reference mean.
    for (const [i, r] of cur.entries())
      if (i % 10 === 0) {
        r.features.pop();
        r.numeric.pop();
        r.nums.pop();
        r.cats.pop();
      }
    const m = multivariateDrift([...ref, ...cur], 100);
    expect(m.currentRows).toBe(1000);
    expect(m.score).not.toBeNull();
  });
});
