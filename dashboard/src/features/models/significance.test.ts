import type { CompareSignificance, MeasureSignificance } from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import { compareHeadline, significanceRows } from './significance.js';

function measure(over: Partial<MeasureSignificance>): MeasureSignificance {
  return {
    verdict: 'no_significant_difference',
    test: 'two-proportion-z',
    nA: 500,
    nB: 500,
    a: 0.01,
    b: 0.012,
    effectMeasure: 'difference',
    effect: 0.002,
    ci: [-0.01, 0.014],
    pValue: 0.7,
    alwaysValidPValue: 0.9,
    ...over,
  };
}

const latency = (over: Partial<MeasureSignificance> = {}) =>
  measure({
    test: 'mann-whitney-u',
    a: null,
    b: null,
    effectMeasure: 'probabilityBHigher',
    effect: 0.51,
    ci: [0.45, 0.57],
    ...over,
  });

function sig(over: Partial<CompareSignificance> = {}): CompareSignificance {
  return {
    alpha: 0.05,
    minSamples: 100,
    labelDelayMs: 3_600_000,
    sequentialRule: 'mSPRT',
    latency: latency(),
    errorRate: measure({}),
    accuracy: measure({ a: 0.9, b: 0.91, effect: 0.01, ci: [-0.02, 0.04] }),
    ...over,
  };
}

describe('significanceRows', () => {
  it('formats each measure from B’s side with its test, interval and always-valid p', () => {
    const rows = significanceRows(
      sig({
        latency: latency({
          verdict: 'worse',
          effect: 0.82,
          ci: [0.78, 0.86],
          alwaysValidPValue: 0.00002,
        }),
        errorRate: measure({
          verdict: 'worse',
          a: 0.01,
          b: 0.2,
          effect: 0.19,
          ci: [0.15, 0.23],
          alwaysValidPValue: 0.0004,
        }),
      }),
    );
    expect(rows.map((r) => r.key)).toEqual(['latency', 'errorRate', 'accuracy']);
    const [lat, err, acc] = rows;
    expect(lat).toMatchObject({
      label: 'Latency',
      test: 'Mann–Whitney U',
      a: 'n = 500',
      effect: 'P(B slower) 82.0%',
      ci: '78.0% to 86.0%',
      p: '2.0e-5',
      verdict: 'worse',
    });
    expect(lat?.why).toBeUndefined();
    expect(err).toMatchObject({
      test: 'two-proportion z',
      a: '1.00% of 500',
      b: '20.0% of 500',
      effect: 'B − A +19.0 pp',
      ci: '+15.0 pp to +23.0 pp',
      p: '4.0e-4',
    });
    expect(acc).toMatchObject({ effect: 'B − A +1.00 pp', ci: '-2.00 pp to +4.00 pp', p: '0.900' });
  });

  it('says why a measure has no verdict: too few on an arm, or too few events', () => {
    const rows = significanceRows(
      sig({
        latency: latency({ verdict: 'insufficient_data', nA: 20, nB: 10, effect: null, ci: null }),
        errorRate: measure({
          verdict: 'insufficient_data',
          a: 0,
          b: 0.002,
          effect: null,
          ci: null,
          alwaysValidPValue: null,
        }),
        accuracy: measure({ verdict: 'insufficient_data', nA: 0, nB: 0, a: null, b: null }),
      }),
    );
    expect(rows[0]).toMatchObject({
      effect: '—',
      ci: '—',
      why: 'fewer than 100 requests on an arm (A\u00a020, B\u00a010)',
    });
    expect(rows[1]?.why).toMatch(/too few events/);
    expect(rows[1]?.p).toBe('—');
    expect(rows[2]).toMatchObject({
      a: '— (n = 0)',
      why: 'fewer than 100 labelled predictions on an arm (A\u00a00, B\u00a00)',
    });
  });

  it('adds a drift row when the comparison was made against a baseline', () => {
    const arm = (drift: string[]) => ({ drift, moderate: [], insufficientData: [], features: 4 });
    const rows = significanceRows(
      sig({
        drift: { baseline: 'train', verdict: 'worse', a: arm([]), b: arm(['age', 'income']) },
      }),
    );
    expect(rows.map((r) => r.key)).toEqual(['latency', 'errorRate', 'accuracy', 'drift']);
    expect(rows[3]).toMatchObject({
      a: '0 of 4 drifting',
      b: '2 of 4 drifting',
      effect: '+2 features',
      verdict: 'worse',
    });
  });
});

describe('compareHeadline', () => {
  const rows = (over: Partial<CompareSignificance>) => significanceRows(sig(over));

  it('rolls back when B is significantly worse on any measure, naming the measures', () => {
    const h = compareHeadline(
      rows({
        latency: latency({ verdict: 'worse' }),
        accuracy: measure({ verdict: 'better' }),
      }),
      0.05,
    );
    expect(h.action).toBe('roll back');
    expect(h.reason).toBe('B is significantly worse on latency (better on accuracy)');
  });

  it('promotes when B is better on some measure and worse on none', () => {
    const h = compareHeadline(
      rows({ latency: latency({ verdict: 'better' }), errorRate: measure({ verdict: 'better' }) }),
      0.05,
    );
    expect(h).toMatchObject({ action: 'promote', title: 'Promote B' });
    expect(h.reason).toContain('latency and error rate');
  });

  it('waits while no measure has enough data, and holds when judged measures agree', () => {
    const none = { verdict: 'insufficient_data' as const };
    expect(
      compareHeadline(
        rows({ latency: latency(none), errorRate: measure(none), accuracy: measure(none) }),
        0.05,
      ).action,
    ).toBe('wait');
    const hold = compareHeadline(rows({ accuracy: measure(none) }), 0.01);
    expect(hold.action).toBe('hold');
    expect(hold.reason).toBe(
      'B is neither better nor worse on latency and error rate at α = 0.01; too few values to judge accuracy',
    );
  });
});
