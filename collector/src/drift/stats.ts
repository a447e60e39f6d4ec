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

/** P(X ≥ x) for X chi-square distributed with `dof` degrees of freedom. */
export function chiSquareSurvival(x: number, dof: number): number {
  if (x <= 0) return 1;
  return gammaQ(dof / 2, x / 2);
}

const EPS = 1e-16;

/**
 * ln Γ(a) for a a positive multiple of 1/2 (all a chi-square test needs: a = dof / 2),
 * exactly up to rounding: Γ(1) = 1, Γ(1/2) = √π, Γ(a + 1) = a Γ(a).
 */
function lnGammaHalf(a: number): number {
  let x = Number.isInteger(a) ? 1 : 0.5;
  let s = x === 1 ? 0 : 0.5 * Math.log(Math.PI);
  for (; x < a; x++) s += Math.log(x);
  return s;
}

/**
 * Regularized upper incomplete gamma Q(a, x): the series for x < a + 1, Lentz's continued
 * fraction above (Numerical Recipes 6.2), each run to machine precision. `a` must be a
 * positive multiple of 1/2 (half the degrees of freedom).
 */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = -x + a * Math.log(x) - lnGammaHalf(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lead));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(lead) * h;
}
