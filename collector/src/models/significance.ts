import type { CompareVerdict } from '../api/types.js';
import { normalSf } from '../query/special-functions.js';

/**
 * Significance tests of a comparison of two arms (issue 9, item 7; docs/models.md "Canary
 * and A/B verdicts"). Pure: the engine returns counts, this module does the arithmetic.
 *
 * - Latency: Mann–Whitney U with the normal approximation and tie correction, from the
 *   arms' counts per latency bucket (ties within a bucket count as ties).
 * - Rates (errors, accuracy): the two-proportion z-test with the pooled variance.
 * - Repeated looks: each test's z is turned into an always-valid p-value by a mixture
 *   sequential probability ratio test (mSPRT, normal mixture; Johari, Pekelis & Walsh,
 *   "Always valid inference", 2017). The chance that *any* look of an experiment with no
 *   difference alarms is at most alpha, however often it is checked, as long as the looks
 *   share the experiment's start (`from`). The fixed-horizon p-value is reported beside
 *   it, valid for one planned look only.
 */

/**
 * Standard deviation of the mSPRT's normal mixture over effects, in units of one
 * observation's standard deviation (a "small" effect). It sets where the test has most
 * power, not its validity: any value keeps the false-alarm bound.
 */
export const MIXTURE_EFFECT = 0.1;

/** Mann–Whitney U of two samples given as counts per ordered bucket. */
export interface MannWhitney {
  nA: number;
  nB: number;
  /** U of A: pairs with A above B, ties counted ½ (SciPy's `mannwhitneyu(a, b).statistic`). */
  uA: number;
  /** P(a B value above an A value) + ½ P(tie) = 1 − uA / (nA·nB): 0.5 means no shift. */
  probabilityBHigher: number;
  /** Σ (t³ − t) over groups of tied values. */
  tieTerm: number;
  /** Standard error of {@link probabilityBHigher} under no difference (tie-corrected). */
  se: number;
  /** (probabilityBHigher − 0.5) / se: no continuity correction (the sequential test's input). */
  z: number;
  /** Two-sided fixed-horizon p-value with continuity and tie correction, as SciPy computes it. */
  pValue: number;
}

/**
 * Mann–Whitney U from counts per bucket, buckets in ascending order of value (`a[i]`, `b[i]`
 * values of A and B in bucket i; values of one bucket are ties). Null unless both arms
 * have values and they are not all tied.
 */
export function mannWhitneyCounts(a: readonly number[], b: readonly number[]): MannWhitney | null {
  let nA = 0;
  let nB = 0;
  let uA = 0;
  let tieTerm = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    uA += x * (nB + y / 2);
    nA += x;
    nB += y;
    const t = x + y;
    tieTerm += t * t * t - t;
  }
  const n = nA + nB;
  if (nA === 0 || nB === 0) return null;
  const varU = ((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(varU > 0)) return null;
  const sdU = Math.sqrt(varU);
  const mu = (nA * nB) / 2;
  const uMax = Math.max(uA, nA * nB - uA);
  const zc = (uMax - mu - 0.5) / sdU;
  const pValue = Math.min(1, Math.max(0, 2 * normalSf(zc)));
  const probabilityBHigher = 1 - uA / (nA * nB);
  const se = sdU / (nA * nB);
  return {
    nA,
    nB,
    uA,
    probabilityBHigher,
    tieTerm,
    se,
    z: (probabilityBHigher - 0.5) / se,
    pValue,
  };
}

/** The two-proportion z-test of B against A. */
export interface TwoProportions {
  nA: number;
  nB: number;
  pA: number;
  pB: number;
  /** pB − pA. */
  difference: number;
  /** Pooled proportion (xA + xB) / (nA + nB). */
  pooled: number;
  /** Standard error of the difference under no difference (pooled). */
  se: number;
  z: number;
  /** Two-sided fixed-horizon p-value. */
  pValue: number;
}

/** Two-proportion z-test (pooled variance); null unless both arms have trials. */
export function twoProportions(
  xA: number,
  nA: number,
  xB: number,
  nB: number,
): TwoProportions | null {
  if (nA <= 0 || nB <= 0) return null;
  const pA = xA / nA;
  const pB = xB / nB;
  const pooled = (xA + xB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const difference = pB - pA;
  const z = se > 0 ? difference / se : 0;
  return {
    nA,
    nB,
    pA,
    pB,
    difference,
    pooled,
    se,
    z,
    pValue: se > 0 ? Math.min(1, 2 * normalSf(Math.abs(z))) : 1,
  };
}

/** Effective sample size of a two-arm comparison: nA·nB / (nA + nB). */
export function effectiveN(nA: number, nB: number): number {
  return (nA * nB) / (nA + nB);
}

/**
 * Always-valid p-value of the normal-mixture SPRT for a standardized statistic `z` at
 * effective sample size `m`: 1/Λ, with Λ = (1 + r)^(−½)·exp(z²·r / (2(1 + r))), r = m·δ².
 */
export function alwaysValidPValue(z: number, m: number, delta = MIXTURE_EFFECT): number {
  const r = m * delta * delta;
  const lnLambda = -0.5 * Math.log1p(r) + (z * z * r) / (2 * (1 + r));
  return Math.min(1, Math.exp(-lnLambda));
}

/**
 * Half-width of the always-valid confidence interval (level 1 − alpha) of an effect with
 * standard error `se`: the effects the mSPRT would not reject. The interval excludes the
 * null exactly when {@link alwaysValidPValue} < alpha.
 */
export function alwaysValidHalfWidth(
  se: number,
  m: number,
  alpha: number,
  delta = MIXTURE_EFFECT,
): number {
  const r = m * delta * delta;
  return se * Math.sqrt(((1 + r) / r) * (2 * Math.log(1 / alpha) + Math.log1p(r)));
}

/** A measure's verdict from its always-valid p-value and the sign of B's effect. */
export function verdictOf(
  pAlwaysValid: number,
  effect: number,
  alpha: number,
  higherIsBetter: boolean,
): CompareVerdict {
  if (!(pAlwaysValid < alpha) || effect === 0) return 'no_significant_difference';
  return effect > 0 === higherIsBetter ? 'better' : 'worse';
}
