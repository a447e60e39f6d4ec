import type { FeatureStats } from './features.js';

/**
 * Per-feature drift verdicts (issue 9, item 3; docs/drift.md "Verdicts"). Pure.
 *
 * `auto` chooses the test by the reference's size, as Evidently does: up to
 * {@link SMALL_SAMPLE} reference values a significance test (KS for numeric, chi-square
 * for categorical, drift at p < 0.05), above it a distance (Wasserstein-1 normed by the
 * reference's standard deviation for numeric, Jensen–Shannon for categorical, drift at
 * ≥ 0.1), since with many values any tiny difference becomes significant. `psi` uses PSI
 * (drift ≥ 0.2, moderate 0.1–0.2) for every feature.
 */

export type DriftVerdict = 'drift' | 'moderate' | 'no_drift' | 'insufficient_data';
export type DriftMethod = 'auto' | 'psi';
export type DriftMeasure = 'ks' | 'chisquare' | 'wasserstein' | 'jensenShannon' | 'psi';

/** Reference size up to which `auto` uses a significance test. */
export const SMALL_SAMPLE = 1000;
/** Default fewest values on either side for a verdict. */
export const DEFAULT_MIN_SAMPLES = 100;

/** Thresholds of each measure: drift at `drift`, moderate from `moderate` on. */
export const THRESHOLDS: Record<
  DriftMeasure,
  { drift: number; moderate: number; kind: 'pvalue' | 'distance' }
> = {
  // p-values alarm below the threshold; moderate is the next band up (p < 0.1).
  ks: { drift: 0.05, moderate: 0.1, kind: 'pvalue' },
  chisquare: { drift: 0.05, moderate: 0.1, kind: 'pvalue' },
  // Distances alarm at or above it; moderate from half of it.
  wasserstein: { drift: 0.1, moderate: 0.05, kind: 'distance' },
  jensenShannon: { drift: 0.1, moderate: 0.05, kind: 'distance' },
  psi: { drift: 0.2, moderate: 0.1, kind: 'distance' },
};

/** How one feature was judged. */
export interface Judgement {
  verdict: DriftVerdict;
  /** The measure the verdict rests on; null for insufficient data. */
  measure: DriftMeasure | null;
  /** Its value (a p-value or a distance); null when undefined. */
  score: number | null;
  /** Its drift threshold. */
  threshold: number | null;
}

/** The measure a feature is judged by under `method`. */
export function measureFor(s: FeatureStats, method: DriftMethod): DriftMeasure {
  if (method === 'psi') return 'psi';
  const small = s.referenceCount <= SMALL_SAMPLE;
  if (s.type === 'numeric') return small ? 'ks' : 'wasserstein';
  return small ? 'chisquare' : 'jensenShannon';
}

/** The value of `m` for a feature (a p-value or a distance); null when undefined. */
export function scoreOf(s: FeatureStats, m: DriftMeasure): number | null {
  switch (m) {
    case 'ks':
      return s.ksPValue;
    case 'chisquare':
      return s.chiSquarePValue;
    case 'wasserstein':
      return s.wassersteinNormed;
    case 'jensenShannon':
      return s.jensenShannon;
    case 'psi':
      return s.psi;
  }
}

/** Judges one feature: insufficient data below `minSamples` values on either side. */
export function judge(s: FeatureStats, method: DriftMethod, minSamples: number): Judgement {
  return judgeMeasure(s, measureFor(s, method), minSamples);
}

/**
 * Judges one feature by one given measure and its fixed threshold (the stored results judge
 * every measure a feature has this way).
 */
export function judgeMeasure(
  s: FeatureStats,
  measure: DriftMeasure,
  minSamples: number,
): Judgement {
  if (s.referenceCount < minSamples || s.currentCount < minSamples)
    return { verdict: 'insufficient_data', measure: null, score: null, threshold: null };
  const t = THRESHOLDS[measure];
  const score = scoreOf(s, measure);
  if (score === null) {
    // Undefined measures: a constant reference (no spread to norm the Wasserstein distance
    // by) drifted when the current values differ at all; a single category on both sides
    // (no degrees of freedom) did not drift.
    const moved = measure === 'wasserstein' && (s.wasserstein ?? 0) > 0;
    return { verdict: moved ? 'drift' : 'no_drift', measure, score, threshold: t.drift };
  }
  const verdict =
    t.kind === 'pvalue'
      ? score < t.drift
        ? 'drift'
        : score < t.moderate
          ? 'moderate'
          : 'no_drift'
      : score >= t.drift
        ? 'drift'
        : score >= t.moderate
          ? 'moderate'
          : 'no_drift';
  return { verdict, measure, score, threshold: t.drift };
}
