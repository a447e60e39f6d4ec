import type { MeasureSignificance } from '../api/types.js';
import {
  alwaysValidHalfWidth,
  alwaysValidPValue,
  effectiveN,
  MIXTURE_EFFECT,
  mannWhitneyCounts,
  twoProportions,
  verdictOf,
} from './significance.js';

/**
 * Verdicts per measure of a comparison, from B's side, in the API's shape. Pure: the rules
 * of docs/models.md "Canary and A/B verdicts" in one place, shared by the route and the
 * simulation test.
 */

/** Options every measure is judged under. */
export interface JudgeOptions {
  /** False-alarm level of the sequential test (default 0.05). */
  alpha: number;
  /** Fewest values on either arm for a verdict (default 100). */
  minSamples: number;
  /** The mSPRT mixture's standard deviation, in units of one observation's. */
  delta?: number;
}

/** Default alpha and fewest values per arm. */
export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_COMPARE_MIN_SAMPLES = 100;
/**
 * Fewest expected events and non-events per arm for the z-test of two proportions (the
 * usual rule for its normal approximation).
 */
export const MIN_EXPECTED_EVENTS = 5;

/** The sequential rule, as answered in `significance.sequentialRule`. */
export const SEQUENTIAL_RULE = `always-valid p-values from a normal-mixture SPRT (mSPRT, mixture sd ${MIXTURE_EFFECT} of one observation's sd); the false-alarm rate stays at most alpha however often a comparison with a fixed start is looked at`;

function insufficient(
  test: MeasureSignificance['test'],
  nA: number,
  nB: number,
  a: number | null,
  b: number | null,
): MeasureSignificance {
  return {
    verdict: 'insufficient_data',
    test,
    nA,
    nB,
    a,
    b,
    effectMeasure: test === 'mann-whitney-u' ? 'probabilityBHigher' : 'difference',
    effect: null,
    ci: null,
    pValue: null,
    alwaysValidPValue: null,
  };
}

/**
 * Latency: Mann–Whitney U on counts per latency bucket (ascending), A's in `a`, B's in `b`.
 * The effect is P(a B request slower than an A request) + ½ P(tie); lower latency is better.
 */
export function judgeLatency(
  a: readonly number[],
  b: readonly number[],
  o: JudgeOptions,
): MeasureSignificance {
  const nA = a.reduce((s, x) => s + x, 0);
  const nB = b.reduce((s, x) => s + x, 0);
  const mw = nA >= o.minSamples && nB >= o.minSamples ? mannWhitneyCounts(a, b) : null;
  if (!mw) {
    // All values tied (one bucket) with enough of them: nothing tells the arms apart.
    if (nA >= o.minSamples && nB >= o.minSamples)
      return {
        ...insufficient('mann-whitney-u', nA, nB, null, null),
        verdict: 'no_significant_difference',
        effect: 0.5,
        pValue: 1,
        alwaysValidPValue: 1,
      };
    return insufficient('mann-whitney-u', nA, nB, null, null);
  }
  const m = effectiveN(nA, nB);
  const pav = alwaysValidPValue(mw.z, m, o.delta);
  const half = alwaysValidHalfWidth(mw.se, m, o.alpha, o.delta);
  const effect = mw.probabilityBHigher;
  return {
    verdict: verdictOf(pav, effect - 0.5, o.alpha, false),
    test: 'mann-whitney-u',
    nA,
    nB,
    a: null,
    b: null,
    effectMeasure: 'probabilityBHigher',
    effect,
    ci: [Math.max(0, effect - half), Math.min(1, effect + half)],
    pValue: mw.pValue,
    alwaysValidPValue: pav,
  };
}

/**
 * A rate (error rate: lower is better; accuracy: higher is better): the two-proportion
 * z-test of `xB / nB` against `xA / nA`. The effect is the difference B − A.
 */
export function judgeProportion(
  xA: number,
  nA: number,
  xB: number,
  nB: number,
  higherIsBetter: boolean,
  o: JudgeOptions,
): MeasureSignificance {
  const t = twoProportions(xA, nA, xB, nB);
  const rateA = nA > 0 ? xA / nA : null;
  const rateB = nB > 0 ? xB / nB : null;
  if (!t || nA < o.minSamples || nB < o.minSamples)
    return insufficient('two-proportion-z', nA, nB, rateA, rateB);
  // Too few expected events (or non-events) on an arm for the normal approximation.
  const fewest = Math.min(nA, nB) * Math.min(t.pooled, 1 - t.pooled);
  if (fewest < MIN_EXPECTED_EVENTS) return insufficient('two-proportion-z', nA, nB, rateA, rateB);
  const m = effectiveN(nA, nB);
  const pav = alwaysValidPValue(t.z, m, o.delta);
  const half = alwaysValidHalfWidth(t.se, m, o.alpha, o.delta);
  return {
    verdict: verdictOf(pav, t.difference, o.alpha, higherIsBetter),
    test: 'two-proportion-z',
    nA,
    nB,
    a: t.pA,
    b: t.pB,
    effectMeasure: 'difference',
    effect: t.difference,
    ci: [Math.max(-1, t.difference - half), Math.min(1, t.difference + half)],
    pValue: t.pValue,
    alwaysValidPValue: pav,
  };
}
