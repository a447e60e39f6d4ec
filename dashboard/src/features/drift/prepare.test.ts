import type {
  DriftBaseline,
  DriftHistogramResponse,
  DriftSeries,
  DriftSeriesResponse,
  FeatureDriftResponse,
} from '@aiobs/api-types';
import { describe, expect, test } from 'vitest';
import {
  completeWindows,
  describeScore,
  histogramBars,
  MAX_SCORE_LINES,
  pickBaseline,
  pickScoreLines,
  previousWindow,
  previousWindowLabel,
  scoreLinesNote,
  seriesRows,
  sortFeatures,
} from './prepare.js';

const baseline = (
  id: string,
  model: string,
  createdAt: string,
  isDefault = false,
): DriftBaseline => ({
  id,
  name: id,
  model,
  source: 'version',
  version: 'v1',
  fromMs: 0,
  toMs: 0,
  cap: 100_000,
  createdAt,
  isDefault,
  thresholds: 'fixed',
});

describe('the reference', () => {
  const all = [
    baseline('old', 'm', '2026-12-01T00:00:00.000Z'),
    baseline('new', 'm', '2026-12-02T00:00:00.000Z'),
    baseline('other', 'x', '2026-12-03T00:00:00.000Z'),
  ];
  test('the URL’s baseline, else the default, else the newest of the model', () => {
    expect(pickBaseline(all, 'm', 'old')?.id).toBe('old');
    expect(pickBaseline(all, 'm', 'other')?.id).toBe('new');
    expect(
      pickBaseline([...all, baseline('def', 'm', '2026-11-01T00:00:00.000Z', true)], 'm')?.id,
    ).toBe('def');
    expect(pickBaseline(all, 'none')).toBeUndefined();
  });

  test('without a baseline, the window just before the current one', () => {
    const T = Date.parse('2026-12-02T01:00:00.000Z');
    expect(previousWindow(T, T + 3_600_000)).toEqual({
      refFrom: '2026-12-02T00:00:00.000Z',
      refTo: '2026-12-02T01:00:00.000Z',
    });
  });

  test('the previous window in words: the largest whole unit, else minutes', () => {
    const T = Date.parse('2026-12-02T01:00:00.000Z');
    const MIN = 60_000;
    expect(previousWindowLabel(T - 60 * MIN, T)).toBe('the previous hour');
    expect(previousWindowLabel(T - 32 * MIN, T)).toBe('the previous 32 minutes');
    expect(previousWindowLabel(T - 6 * 60 * MIN, T)).toBe('the previous 6 hours');
    expect(previousWindowLabel(T - 7 * 1440 * MIN, T)).toBe('the previous 7 days');
    expect(previousWindowLabel(T - 90 * MIN, T)).toBe('the previous 90 minutes');
    expect(previousWindowLabel(T - MIN, T)).toBe('the previous minute');
    expect(previousWindowLabel(T - 30_000, T)).toBe('the previous 30 seconds');
    expect(previousWindowLabel(T - 61_500, T)).toBe('the previous minute');
  });
});

const feature = (
  name: string,
  verdict: FeatureDriftResponse['verdict'],
  extra: Partial<FeatureDriftResponse> = {},
) =>
  ({
    feature: name,
    verdict,
    measure: null,
    score: null,
    threshold: null,
    ...extra,
  }) as FeatureDriftResponse;

test('features sort worst first, then by name', () => {
  expect(
    sortFeatures([
      feature('b', 'no_drift'),
      feature('z', 'insufficient_data'),
      feature('c', 'drift'),
      feature('a', 'no_drift'),
      feature('m', 'moderate'),
    ]).map((f) => f.feature),
  ).toEqual(['c', 'm', 'a', 'b', 'z']);
});

test('a score says its measure and which side of its threshold drifts', () => {
  expect(
    describeScore(feature('a', 'drift', { measure: 'ks', score: 1.2e-19, threshold: 0.05 })),
  ).toBe('KS p-value 1.2e-19 (drift < 0.05)');
  expect(
    describeScore(feature('a', 'drift', { measure: 'wasserstein', score: 0.3312, threshold: 0.1 })),
  ).toBe('Wasserstein (normed) 0.331 (drift ≥ 0.1)');
  expect(describeScore(feature('a', 'insufficient_data'))).toBe('—');
});

test('series rows: a line per feature (and version), points at each window’s end', () => {
  const res = {
    series: [
      {
        kind: 'feature',
        feature: 'amount',
        version: null,
        variant: null,
        points: [
          { from: '2026-12-02T00:00:00.000Z', to: '2026-12-02T00:10:00.000Z', score: 0.3 },
          { from: '2026-12-02T00:10:00.000Z', to: '2026-12-02T00:20:00.000Z', score: null },
        ],
      },
      {
        kind: 'prediction',
        feature: 'prediction.score',
        version: 'v2',
        variant: null,
        points: [{ from: '2026-12-02T00:00:00.000Z', to: '2026-12-02T00:10:00.000Z', score: 0.1 }],
      },
    ],
  } as unknown as DriftSeriesResponse;
  const { rows, lines } = seriesRows(res);
  expect(lines).toEqual(['amount', 'prediction.score · v2']);
  expect(rows).toEqual([
    { t: Date.parse('2026-12-02T00:10:00.000Z'), amount: 0.3, 'prediction.score · v2': 0.1 },
    { t: Date.parse('2026-12-02T00:20:00.000Z'), amount: null },
  ]);
});

describe('the window still filling', () => {
  const T = Date.parse('2026-12-02T01:00:00.000Z');
  const MIN = 60_000;
  const point = (fromMs: number, toMs: number, score: number, currentCount: number) => ({
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    score,
    pValue: null,
    verdict: 'no_drift' as const,
    referenceCount: 1000,
    currentCount,
  });
  const response = (
    source: 'stored' | 'computed',
    points: Array<ReturnType<typeof point>>,
  ): DriftSeriesResponse => ({
    model: 'm',
    baseline: 'b',
    source,
    measure: 'psi',
    stepMs: 5 * MIN,
    from: new Date(T - 15 * MIN).toISOString(),
    to: new Date(T).toISOString(),
    series: [{ kind: 'feature', feature: 'amount', version: null, variant: null, points }],
  });

  test('a range ending now: the last window (few values, a PSI spike) is left out and named', () => {
    const res = response('computed', [
      point(T - 15 * MIN, T - 10 * MIN, 0.02, 300),
      point(T - 10 * MIN, T - 5 * MIN, 0.03, 310),
      point(T - 5 * MIN, T, 2.7, 4),
    ]);
    const out = completeWindows(res, T + 300);
    expect(out.res.series[0]!.points.map((p) => p.score)).toEqual([0.02, 0.03]);
    expect(out.partial).toEqual({ fromMs: T - 5 * MIN, toMs: T, currentCount: 4 });
    // The chart then has no point at the partial window's end.
    expect(seriesRows(out.res).rows.map((r) => r.t)).toEqual([T - 10 * MIN, T - 5 * MIN]);
  });

  test('a window cut short by the range’s end is partial even in the past', () => {
    const res = response('computed', [
      point(T - 15 * MIN, T - 10 * MIN, 0.02, 300),
      point(T - 10 * MIN, T - 8 * MIN, 0.9, 20),
    ]);
    const out = completeWindows(res, T + 3_600_000);
    expect(out.res.series[0]!.points).toHaveLength(1);
    expect(out.partial?.toMs).toBe(T - 8 * MIN);
  });

  test('closed windows (stored results, a past range) are all kept', () => {
    const res = response('stored', [
      point(T - 15 * MIN, T - 10 * MIN, 0.02, 300),
      point(T - 10 * MIN, T - 5 * MIN, 0.25, 310),
    ]);
    const out = completeWindows(res, T);
    expect(out.partial).toBeUndefined();
    expect(out.res).toBe(res);
  });
});

test('histogram bars: numeric bins by their edges, open ends, categories by name', () => {
  const res = {
    bins: [
      { lower: null, upper: 10, reference: 0.1, current: 0 },
      { lower: 10, upper: 12.345, reference: 0.5, current: 0.2 },
      { lower: 12.345, upper: null, reference: 0.4, current: 0.8 },
      { category: 'FR', reference: 1, current: 1 },
    ],
  } as unknown as DriftHistogramResponse;
  expect(histogramBars(res)).toEqual([
    { bin: '< 10', reference: 0.1, current: 0 },
    { bin: '10–12.3', reference: 0.5, current: 0.2 },
    { bin: '≥ 12.3', reference: 0.4, current: 0.8 },
    { bin: 'FR', reference: 1, current: 1 },
  ]);
});

describe('the lines of the score chart', () => {
  const line = (
    feature: string,
    scores: Array<number | null>,
    extra: Partial<DriftSeries> = {},
  ): DriftSeries => ({
    kind: 'feature',
    feature,
    version: null,
    variant: null,
    points: scores.map((score, i) => ({
      from: new Date(i * 60_000).toISOString(),
      to: new Date((i + 1) * 60_000).toISOString(),
      score,
      pValue: null,
      verdict: 'no_drift',
      referenceCount: 100,
      currentCount: 100,
    })),
    ...extra,
  });
  // The scheduled job's shape: a series per feature, version and variant.
  const stored = [
    line('amount', [0.1, 0.25], { version: 'v1' }),
    line('amount', [0.1, 0.35], { version: 'v2' }),
    line('amount', [0.45, 0.1], { version: 'v3' }),
    line('country', [0.9, 0.05], { version: 'v1' }),
    line('country', [0.01, 0.02], { version: 'v2' }),
    line('age', [null, 0.3], { version: 'v1', variant: 'b' }),
    line('age', [null, null], { version: 'v2' }),
    line('amount', [5], { kind: 'prediction', version: 'v1' }),
  ];
  const names = (s: DriftSeries[]) =>
    s.map((x) => [x.kind, x.feature, x.version, x.variant].filter(Boolean).join(' '));

  test('no feature selected: the highest peaks, worst first, a series without scores last', () => {
    const picked = pickScoreLines(stored);
    expect(picked.total).toBe(8);
    expect(names(picked.series)).toEqual([
      'prediction amount v1',
      'feature country v1',
      'feature amount v3',
      'feature amount v2',
      'feature age v1 b',
    ]);
    expect(scoreLinesNote(picked)).toBe(
      'Showing the 5 highest of 8 lines (by their highest score in the range); select a feature in the table for its lines.',
    );
    // All of them, worst first, when a larger cap lets them in; ties by name.
    const all = pickScoreLines(
      [...stored, line('zeta', [0.3]), line('beta', [0.3])],
      undefined,
      20,
    );
    expect(names(all.series)).toEqual([
      'prediction amount v1',
      'feature country v1',
      'feature amount v3',
      'feature amount v2',
      'feature age v1 b',
      'feature beta',
      'feature zeta',
      'feature amount v1',
      'feature country v2',
      'feature age v2',
    ]);
    expect(scoreLinesNote(all)).toBeUndefined();
  });

  test('a feature selected: its lines, one per version and variant, of its kind only', () => {
    const amount = pickScoreLines(stored, { feature: 'amount', kind: 'feature' });
    expect(names(amount.series)).toEqual([
      'feature amount v3',
      'feature amount v2',
      'feature amount v1',
    ]);
    expect(amount).toMatchObject({ total: 3, feature: 'amount' });
    expect(scoreLinesNote(amount)).toBe('The 3 lines of amount, one per version and variant.');
    const output = pickScoreLines(stored, { feature: 'amount', kind: 'prediction' });
    expect(names(output.series)).toEqual(['prediction amount v1']);
    expect(scoreLinesNote(output)).toBe('The line of amount.');
    expect(pickScoreLines(stored, { feature: 'nope', kind: 'feature' })).toEqual({
      series: [],
      total: 0,
      feature: 'nope',
    });
    expect(scoreLinesNote(pickScoreLines(stored, { feature: 'nope', kind: 'feature' }))).toBe(
      undefined,
    );
    // A feature with more lines than the cap: the highest, and the note says so.
    const many = Array.from({ length: 9 }, (_, i) => line('x', [i / 10], { version: `v${i}` }));
    const x = pickScoreLines(many, { feature: 'x', kind: 'feature' });
    expect(x.series).toHaveLength(MAX_SCORE_LINES);
    expect(x.series[0]!.version).toBe('v8');
    expect(scoreLinesNote(x)).toBe('Showing the 5 highest of 9 lines of x.');
  });

  test('the picked lines chart with their labels, worst first', () => {
    const picked = pickScoreLines(stored);
    const { lines } = seriesRows({ series: picked.series } as DriftSeriesResponse);
    expect(lines).toEqual([
      'amount · v1',
      'country · v1',
      'amount · v3',
      'amount · v2',
      'age · v1 · b',
    ]);
  });
});
