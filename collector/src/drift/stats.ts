import { chiSquareSurvival } from '../query/special-functions.js';

/**
 * Drift statistics over what ClickHouse computed (docs/drift.md, DESIGN.md "Drift, defined
 * so that results can be checked"). The engine does the work that reads values: decile
 * edges, bin counts, category counts, the KS test, the Wasserstein integral. What is left
 * here is arithmetic over a few counts per feature, kept pure so it is tested alone.
 */

/** Levels the reference's bin edges are cut at (its deciles). */
export const DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

/** Each share is floored at this before PSI's logarithm (not renormalized afterwards). */
export const PSI_FLOOR = 1e-4;

function total(counts: readonly number[]): number {
  let n = 0;
  for (const c of counts) n += c;
  return n;
}

/**
 * Population Stability Index of `current` against `reference`, bin by bin (or category by
 * category; the arrays are aligned): Σ (c − r) · ln(c / r) over shares, each share floored
 * at {@link PSI_FLOOR}. NaN when either side is empty.
 */
export function psi(reference: readonly number[], current: readonly number[]): number {
  const nr = total(reference);
  const nc = total(current);
  if (nr === 0 || nc === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]! / nr, PSI_FLOOR);
    const c = Math.max((current[i] ?? 0) / nc, PSI_FLOOR);
    sum += (c - r) * Math.log(c / r);
  }
  return sum;
}

/**
 * Jensen–Shannon distance (base 2, so within [0, 1]) between the two count vectors, each
 * normalized to shares, unfloored: SciPy's `jensenshannon(p, q, base=2)`. NaN when either
 * side is empty.
 */
export function jensenShannon(reference: readonly number[], current: readonly number[]): number {
  const nr = total(reference);
  const nc = total(current);
  if (nr === 0 || nc === 0) return Number.NaN;
  let kl = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = reference[i]! / nr;
    const q = (current[i] ?? 0) / nc;
    const m = (p + q) / 2;
    if (p > 0) kl += p * Math.log2(p / m);
    if (q > 0) kl += q * Math.log2(q / m);
  }
  // Rounding can leave a tiny negative for identical vectors.
  return Math.sqrt(Math.max(kl / 2, 0));
}

/** A chi-square goodness-of-fit result. */
export interface ChiSquare {
  statistic: number;
  /** NaN with one category only (no degrees of freedom). */
  pValue: number;
}

/**
 * Chi-square test of the current category counts against the reference's shares scaled to
 * the current total: SciPy's `chisquare(current, reference / n_ref * n_cur)`, k − 1
 * degrees of freedom. A category the reference never saw has an expected count of 0: the
 * statistic is infinite and p = 0 (a new category is drift, not a division by zero).
 */
export function chiSquare(reference: readonly number[], current: readonly number[]): ChiSquare {
  const nr = total(reference);
  const nc = total(current);
  if (nr === 0 || nc === 0) return { statistic: Number.NaN, pValue: Number.NaN };
  let stat = 0;
  let k = 0;
  for (let i = 0; i < reference.length; i++) {
    const o = current[i] ?? 0;
    const e = (reference[i]! / nr) * nc;
    if (e === 0) {
      if (o > 0) return { statistic: Number.POSITIVE_INFINITY, pValue: 0 };
      continue;
    }
    k++;
    stat += ((o - e) * (o - e)) / e;
  }
  if (k < 2) return { statistic: stat, pValue: Number.NaN };
  return { statistic: stat, pValue: chiSquareSurvival(stat, k - 1) };
}
