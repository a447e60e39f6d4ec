import { describe, expect, test } from 'vitest';
import { rankFeatures } from './ranking.js';
import type { StoredPoint } from './results-repo.js';
import { spearman } from './spearman.js';

const W = 600_000;

function point(feature: string, i: number, score: number | null, extra: Partial<StoredPoint> = {}) {
  return {
    baseline_id: 'b1',
    kind: 'feature',
    feature,
    version: 'v1',
    variant: '',
    from_ms: String(i * W),
    to_ms: String((i + 1) * W),
    score,
    p_value: null,
    verdict: score !== null && score >= 0.1 ? 'drift' : 'no_drift',
    reference_n: 1000,
    current_n: 500,
    ...extra,
  } satisfies StoredPoint;
}

const errors = [0.01, 0.02, 0.05, 0.03, 0.08, 0.12, 0.04, 0.2];
const quality = new Map(errors.map((e, i) => [i * W, e]));

describe('ranking features by Spearman ρ with the error rate', () => {
  const points = [
    ...errors.map((e, i) => point('tracks', i, e * 1.5 + 0.001 * (i % 2))),
    ...errors.map((e, i) => point('inverse', i, 1 - e)),
    ...errors.map((_, i) => point('noise', i, [0.3, 0.1, 0.2, 0.5, 0.1, 0.05, 0.4, 0.02][i]!)),
    ...errors.map((_, i) => point('flat', i, 0.05)),
    // Neither a feature nor a window with a score: left out.
    point('', 0, 1, { kind: 'feature' }),
    point('prediction.score', 0, 1, { kind: 'prediction' }),
  ];

  test('the feature whose drift tracks the errors comes first, the inverse one last', () => {
    const r = rankFeatures(points, quality, W, 'error_rate');
    expect(r.map((x) => x.feature)).toEqual(['tracks', 'noise', 'inverse', 'flat']);
    expect(r[0]).toMatchObject({ spearman: 1, windows: 8, against: 'error_rate' });
    expect(r[2]!.spearman).toBe(-1);
    // A constant score has no rank correlation.
    expect(r[3]).toMatchObject({ feature: 'flat', spearman: null, windows: 8, driftedWindows: 0 });
    expect(r[0]!.driftedWindows).toBe(errors.filter((e) => e * 1.5 >= 0.1).length);
  });

  test('against accuracy, drift that goes with falling accuracy comes first', () => {
    const accuracy = new Map([...quality].map(([k, e]) => [k, 1 - e]));
    const r = rankFeatures(points, accuracy, W, 'accuracy');
    expect(r.map((x) => x.feature)).toEqual(['tracks', 'noise', 'inverse', 'flat']);
    expect(r[0]!.spearman).toBe(-1);
  });

  test('insufficient windows and windows without a quality figure are not paired', () => {
    const some = [
      ...errors.map((e, i) =>
        point('f', i, i === 2 ? 99 : e, i === 2 ? { verdict: 'insufficient_data' } : {}),
      ),
      point('f', 20, 5),
    ];
    const r = rankFeatures(some, quality, W, 'error_rate');
    expect(r).toEqual([
      { feature: 'f', spearman: 1, windows: 7, driftedWindows: 2, against: 'error_rate' },
    ]);
  });

  test('a step of several windows averages them, weighted by their current values', () => {
    const pts = [
      point('f', 0, 0.1, { current_n: 100 }),
      point('f', 1, 0.4, { current_n: 300 }),
      point('f', 2, 0.2),
      point('f', 3, 0.2),
      point('f', 4, 0.9),
      point('f', 5, 0.1),
    ];
    const q = new Map([
      [0, 0.5],
      [2 * W, 0.1],
      [4 * W, 0.3],
    ]);
    const r = rankFeatures(pts, q, 2 * W, 'error_rate');
    // Buckets: (0.1·100 + 0.4·300) / 400 = 0.325, 0.2, 0.5.
    expect(r[0]!.spearman).toBe(spearman([0.325, 0.2, 0.5], [0.5, 0.1, 0.3]));
    expect(r[0]!.windows).toBe(3);
  });
});
