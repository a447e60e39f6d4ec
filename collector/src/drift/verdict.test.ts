import { describe, expect, test } from 'vitest';
import type { FeatureStats } from './features.js';
import { judge, measureFor } from './verdict.js';

function stats(over: Partial<FeatureStats>): FeatureStats {
  return {
    kind: 'feature',
    feature: 'x',
    type: 'numeric',
    referenceCount: 500,
    currentCount: 500,
    psi: 0,
    jensenShannon: 0,
    ksStatistic: 0,
    ksPValue: 1,
    wasserstein: 0,
    wassersteinNormed: 0,
    chiSquarePValue: null,
    bins: { reference: [], current: [] },
    ...over,
  };
}

describe('the measure follows the reference size (auto)', () => {
  test.each([
    ['numeric', 1000, 'ks'],
    ['numeric', 1001, 'wasserstein'],
    ['categorical', 1000, 'chisquare'],
    ['categorical', 1001, 'jensenShannon'],
  ] as const)('%s with %i reference values: %s', (type, n, want) => {
    expect(measureFor(stats({ type, referenceCount: n }), 'auto')).toBe(want);
  });
  test('psi for every feature when asked', () => {
    expect(measureFor(stats({ type: 'categorical' }), 'psi')).toBe('psi');
  });
});

describe('verdicts', () => {
  test('below minSamples on either side: insufficient_data', () => {
    expect(judge(stats({ referenceCount: 99 }), 'auto', 100).verdict).toBe('insufficient_data');
    expect(judge(stats({ currentCount: 99 }), 'auto', 100).verdict).toBe('insufficient_data');
    expect(judge(stats({ currentCount: 100, referenceCount: 100 }), 'auto', 100).verdict).toBe(
      'no_drift',
    );
  });
  test.each([
    [0.049, 'drift'],
    [0.05, 'moderate'],
    [0.099, 'moderate'],
    [0.1, 'no_drift'],
  ] as const)('KS p = %f: %s', (p, want) => {
    expect(judge(stats({ ksPValue: p }), 'auto', 100)).toEqual({
      verdict: want,
      measure: 'ks',
      score: p,
      threshold: 0.05,
    });
  });
  test.each([
    [0.1, 'drift'],
    [0.0999, 'moderate'],
    [0.05, 'moderate'],
    [0.0499, 'no_drift'],
  ] as const)('normed Wasserstein %f: %s', (w, want) => {
    const s = stats({ referenceCount: 5000, currentCount: 5000, wassersteinNormed: w });
    expect(judge(s, 'auto', 100).verdict).toBe(want);
  });
  test.each([
    [0.2, 'drift'],
    [0.19, 'moderate'],
    [0.1, 'moderate'],
    [0.09, 'no_drift'],
  ] as const)('PSI %f: %s', (psi, want) => {
    expect(judge(stats({ psi }), 'psi', 100).verdict).toBe(want);
  });
  test('categorical: chi-square up to 1000, JS above', () => {
    const small = stats({ type: 'categorical', chiSquarePValue: 0.01 });
    expect(judge(small, 'auto', 100).verdict).toBe('drift');
    const big = stats({ type: 'categorical', referenceCount: 2000, jensenShannon: 0.07 });
    expect(judge(big, 'auto', 100).verdict).toBe('moderate');
  });
  test('a constant reference: drift when the current values moved at all', () => {
    const s = { referenceCount: 5000, wassersteinNormed: null };
    expect(judge(stats({ ...s, wasserstein: 0.3 }), 'auto', 100).verdict).toBe('drift');
    expect(judge(stats({ ...s, wasserstein: 0 }), 'auto', 100).verdict).toBe('no_drift');
  });
});
