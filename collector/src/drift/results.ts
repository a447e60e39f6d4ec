import type { MultivariateDrift } from '../api/types.js';
import type { FeatureStats } from './features.js';
import { chiSquare } from './stats.js';
import { type DriftMeasure, type Judgement, judge, judgeMeasure } from './verdict.js';

/**
 * Rows of `aiobs_drift_results` (migration 0032) from one window's statistics. Pure.
 *
 * Per feature one row per measure it has (`psi`, `ks`, `wasserstein`, `js`, `chi2`), each
 * judged by that measure's own threshold, and one `auto` row carrying the verdict that
 * `GET /api/v1/drift` gives (the test chosen by sample size, or the reference-derived
 * limits); per window one `multivariate` row ({@link multivariateRow}). Scores that are undefined are written as NaN (the engine answers them as null);
 * a chi-square statistic that is infinite (a category the reference never saw) as 1e308.
 */

/** Measure names as stored (short, as alert rules write them). */
export type StoredMeasure = 'psi' | 'ks' | 'wasserstein' | 'js' | 'chi2' | 'auto' | 'multivariate';

/** One stored result row, as inserted (JSONEachRow). */
export interface DriftResultRow {
  project_id: string;
  model: string;
  version: string;
  variant: string;
  kind: string;
  feature: string;
  window_start: string;
  window_end: string;
  measure: StoredMeasure;
  /** A number, or the text `nan` for an undefined score (JSON has no NaN). */
  score: number | 'nan';
  p_value: number | null;
  verdict: Judgement['verdict'];
  reference_n: number;
  current_n: number;
  baseline_id: string;
  computed_at: string;
}

/** What the rows of one window share. */
export interface WindowKey {
  project: string;
  model: string;
  version: string;
  variant: string;
  baselineId: string;
  fromMs: number;
  toMs: number;
  computedAtMs: number;
}

const STORED: Record<DriftMeasure, StoredMeasure> = {
  psi: 'psi',
  ks: 'ks',
  wasserstein: 'wasserstein',
  jensenShannon: 'js',
  chisquare: 'chi2',
};

/** `2026-01-02 03:04:05.678`: a DateTime64(3, 'UTC') as JSONEachRow takes it. */
export function engineTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function scoreText(x: number | null): number | 'nan' {
  if (x === null || Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 1e308;
  return x;
}

/** The measures a feature of this type has, with their (score, p-value). */
function measures(s: FeatureStats): Array<[DriftMeasure, number | null, number | null]> {
  if (s.type === 'numeric')
    return [
      ['psi', s.psi, null],
      ['ks', s.ksStatistic, s.ksPValue],
      ['wasserstein', s.wassersteinNormed, null],
      ['jensenShannon', s.jensenShannon, null],
    ];
  const stat = s.bins.categories?.length
    ? chiSquare(s.bins.reference, s.bins.current).statistic
    : null;
  return [
    ['psi', s.psi, null],
    ['jensenShannon', s.jensenShannon, null],
    ['chisquare', stat, s.chiSquarePValue],
  ];
}

/**
 * The result rows of one window. `verdictOf` gives each feature's overall verdict (the
 * `auto` row): by default {@link judge} with `method = 'auto'`.
 */
export function resultRows(
  stats: readonly FeatureStats[],
  key: WindowKey,
  minSamples: number,
  verdictOf: (s: FeatureStats) => Judgement = (s) => judge(s, 'auto', minSamples),
): DriftResultRow[] {
  const shared = {
    project_id: key.project,
    model: key.model,
    version: key.version,
    variant: key.variant,
    window_start: engineTime(key.fromMs),
    window_end: engineTime(key.toMs),
    baseline_id: key.baselineId,
    computed_at: engineTime(key.computedAtMs),
  };
  const out: DriftResultRow[] = [];
  for (const s of stats) {
    const base = {
      ...shared,
      kind: s.kind,
      feature: s.feature,
      reference_n: s.referenceCount,
      current_n: s.currentCount,
    };
    for (const [m, score, p] of measures(s)) {
      // Each measure judged alone, as if it had been chosen: the verdict of that row.
      const { verdict } = judgeMeasure(s, m, minSamples);
      out.push({ ...base, measure: STORED[m], score: scoreText(score), p_value: p, verdict });
    }
    const auto = verdictOf(s);
    const chosen = auto.measure;
    const p = chosen === 'ks' ? s.ksPValue : chosen === 'chisquare' ? s.chiSquarePValue : null;
    out.push({
      ...base,
      measure: 'auto',
      score: scoreText(auto.score),
      p_value: p,
      verdict: auto.verdict,
    });
  }
  return out;
}

/**
 * The `multivariate` row of one window (feature `''`, kind `feature`): the PCA
 * reconstruction score and its verdict, the sampled inferences as the counts.
 */
export function multivariateRow(m: MultivariateDrift, key: WindowKey): DriftResultRow {
  return {
    project_id: key.project,
    model: key.model,
    version: key.version,
    variant: key.variant,
    kind: 'feature',
    feature: '',
    window_start: engineTime(key.fromMs),
    window_end: engineTime(key.toMs),
    measure: 'multivariate',
    score: scoreText(m.score),
    p_value: null,
    verdict: m.verdict,
    reference_n: m.referenceRows,
    current_n: m.currentRows,
    baseline_id: key.baselineId,
    computed_at: engineTime(key.computedAtMs),
  };
}
