import type {
  DriftSeries,
  DriftSeriesResponse,
  ModelQualityResponse,
  QualityFigures,
  QualityGroup,
} from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import { accuracyRows, driftByArm, hasFeedback, qualityRows } from './quality.js';

function figures(over: Partial<QualityFigures>): QualityFigures {
  return {
    predictions: 0,
    labelled: 0,
    coverage: null,
    judged: 0,
    accuracy: null,
    classified: 0,
    macroPrecision: null,
    macroRecall: null,
    macroF1: null,
    regressed: 0,
    mae: null,
    rmse: null,
    meanError: null,
    scored: 0,
    brier: null,
    ece: null,
    rated: 0,
    meanFeedbackScore: null,
    ...over,
  };
}

function group(
  version: string,
  total: Partial<QualityFigures>,
  points: Array<[string, Partial<QualityFigures>]>,
): QualityGroup {
  return {
    group: { version },
    total: { ...figures(total), labels: [], positive: null, reliability: [] },
    points: points.map(([time, f]) => ({ time, ...figures(f) })),
  };
}

function quality(groups: QualityGroup[]): ModelQualityResponse {
  return {
    model: 'm',
    from: '2026-12-02T00:00:00.000Z',
    to: '2026-12-02T02:00:00.000Z',
    stepMs: 3_600_000,
    groupBy: 'version',
    labelDelayMs: 604_800_000,
    finalBefore: '2026-11-25T00:00:00.000Z',
    groups,
  };
}

const T0 = '2026-12-02T00:00:00.000Z';
const T1 = '2026-12-02T01:00:00.000Z';

describe('accuracyRows', () => {
  it('draws a line per arm; a bucket without judged predictions is a gap, not 0%', () => {
    const res = quality([
      group('v1', {}, [
        [T1, { judged: 10, accuracy: 0.9 }],
        [T0, { judged: 0, accuracy: null }],
      ]),
      group('', {}, [[T0, { judged: 4, accuracy: 0.5 }]]),
    ]);
    const { rows, lines } = accuracyRows(res);
    expect(lines).toEqual(['v1', '(none)']);
    expect(rows).toEqual([
      { t: Date.parse(T0), v1: null, '(none)': 0.5 },
      { t: Date.parse(T1), v1: 0.9 },
    ]);
  });
});

describe('qualityRows and hasFeedback', () => {
  it('lists each arm’s totals, most predictions first', () => {
    const res = quality([
      group('v1', { predictions: 50, labelled: 0, coverage: 0 }, []),
      group('v2', { predictions: 80, labelled: 40, coverage: 0.5, accuracy: 0.75, brier: 0.2 }, []),
    ]);
    expect(qualityRows(res).map((r) => [r.arm, r.predictions, r.accuracy, r.brier])).toEqual([
      ['v2', 80, 0.75, 0.2],
      ['v1', 50, null, null],
    ]);
    expect(hasFeedback(res)).toBe(true);
    expect(hasFeedback(quality([group('v1', { predictions: 50 }, [])]))).toBe(false);
  });
});

function series(
  feature: string,
  version: string,
  variant: string,
  points: Array<[string, string, DriftSeries['points'][number]['verdict']]>,
  kind: DriftSeries['kind'] = 'feature',
): DriftSeries {
  return {
    kind,
    feature,
    version,
    variant,
    points: points.map(([from, to, verdict]) => ({
      from,
      to,
      verdict,
      score: null,
      pValue: null,
      referenceCount: 100,
      currentCount: 100,
    })),
  };
}

function drift(s: DriftSeries[], source: 'stored' | 'computed' = 'stored'): DriftSeriesResponse {
  return {
    model: 'm',
    baseline: 'b',
    source,
    measure: 'auto',
    stepMs: 0,
    from: T0,
    to: T1,
    series: s,
  };
}

describe('driftByArm', () => {
  const A = '2026-12-02T00:05:00.000Z';
  const B = '2026-12-02T00:10:00.000Z';

  it('reads each feature’s latest judged window, the worst verdict over the arm’s variants', () => {
    const rows = driftByArm(
      drift([
        // amount drifted earlier, not in the latest window
        series('amount', 'v1', 'a', [
          [T0, A, 'drift'],
          [A, B, 'no_drift'],
        ]),
        // country: one variant drifts in the latest window, the other does not
        series('country', 'v2', 'a', [[A, B, 'no_drift']]),
        series('country', 'v2', 'b', [[A, B, 'drift']]),
        series('amount', 'v2', 'a', [[A, B, 'moderate']]),
        series('label', 'v2', 'a', [[A, B, 'insufficient_data']], 'prediction'),
        // v1's traffic stopped: the latest window has too few values, the one before judged
        series('country', 'v1', 'a', [
          [T0, A, 'moderate'],
          [A, B, 'insufficient_data'],
        ]),
      ]),
      'version',
    );
    expect(rows).toEqual([
      {
        arm: 'v2',
        windowFrom: A,
        windowTo: B,
        drift: ['country'],
        moderate: ['amount'],
        judged: 2,
        features: 3,
      },
      {
        arm: 'v1',
        windowFrom: A,
        windowTo: B,
        drift: [],
        moderate: ['country'],
        judged: 2,
        features: 2,
      },
    ]);
  });

  it('groups by variant when asked, and a feature with no points adds nothing', () => {
    const rows = driftByArm(
      drift([series('amount', 'v1', 'canary', [[A, B, 'drift']]), series('x', 'v1', '', [])]),
      'variant',
    );
    expect(rows.map((r) => [r.arm, r.drift])).toEqual([['canary', ['amount']]]);
  });
});
