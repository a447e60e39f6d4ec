import type { FeatureStats } from './features.js';
import { jensenShannon } from './stats.js';
import type { Judgement } from './verdict.js';

/**
 * Limits from the reference's own variation (issue 9, item 3; docs/drift.md "Thresholds from
 * the reference"), as NannyML derives them: the reference is split into chunks of the
 * current window's size, each chunk's Jensen–Shannon distance to the whole reference is
 * computed on the same bins (numeric: the reference's deciles; categorical: categories),
 * and the current window drifted when its distance falls outside mean ± 3σ of the chunks'.
 * The chunks calibrate the distance's sampling noise at exactly the current size, which a
 * fixed threshold cannot. Pure.
 */

/** Fewest whole chunks for limits; with fewer the fixed thresholds apply. */
export const MIN_CHUNKS = 6;
/** Most chunks used (the rest of a large reference adds little to mean and σ). */
export const MAX_CHUNKS = 50;
/** Width of the band in standard deviations. */
export const SIGMAS = 3;

/** Limits of one feature. */
export interface ReferenceLimits {
  /** Jensen–Shannon distance of each whole chunk to the reference. */
  values: number[];
  mean: number;
  /** Population standard deviation (ddof 0, NumPy's default, as NannyML uses). */
  sd: number;
  lower: number;
  upper: number;
}

/** Engine rows of sql.ts `referenceChunksSql`. */
export interface ChunkRow {
  kind: string;
  feature: string;
  is_numeric: number | string;
  chunk: number | string;
  key: string;
  n: number | string;
}

/** `kind \0 feature \0 is_numeric`: how the chunk query names a feature. */
export function chunkKey(s: Pick<FeatureStats, 'kind' | 'feature' | 'type'>): string {
  return `${s.kind}\u0000${s.feature}\u0000${s.type === 'numeric' ? 1 : 0}`;
}

/**
 * The limits of one feature from its chunk counts, or null with fewer than
 * {@link MIN_CHUNKS} whole chunks (chunks short of the current size are dropped).
 */
export function limitsOf(s: FeatureStats, rows: readonly ChunkRow[]): ReferenceLimits | null {
  const size = s.currentCount;
  if (size === 0) return null;
  // Align chunk counts with the reference's bins or categories.
  const slots = s.type === 'numeric' ? 10 : (s.bins.categories?.length ?? 0);
  const slot = (key: string) =>
    s.type === 'numeric' ? Number(key) : (s.bins.categories ?? []).indexOf(key);
  const chunks = new Map<number, number[]>();
  for (const r of rows) {
    const c = Number(r.chunk);
    let counts = chunks.get(c);
    if (!counts) {
      counts = Array(slots).fill(0);
      chunks.set(c, counts);
    }
    const i = slot(r.key);
    if (i >= 0) counts[i]! += Number(r.n);
  }
  const values: number[] = [];
  for (const counts of chunks.values()) {
    const n = counts.reduce((a, b) => a + b, 0);
    if (n === size) values.push(jensenShannon(s.bins.reference, counts));
  }
  if (values.length < MIN_CHUNKS) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return { values, mean, sd, lower: mean - SIGMAS * sd, upper: mean + SIGMAS * sd };
}

/**
 * Judges a feature by its reference limits: drift outside `[lower, upper]`, else no drift
 * (the band has no moderate zone). Insufficient data below `minSamples` as always.
 */
export function judgeByLimits(
  s: FeatureStats,
  limits: ReferenceLimits,
  minSamples: number,
): Judgement {
  if (s.referenceCount < minSamples || s.currentCount < minSamples)
    return { verdict: 'insufficient_data', measure: null, score: null, threshold: null };
  const score = s.jensenShannon;
  const out = score !== null && (score > limits.upper || score < limits.lower);
  return {
    verdict: out ? 'drift' : 'no_drift',
    measure: 'jensenShannon',
    score,
    threshold: limits.upper,
  };
}
