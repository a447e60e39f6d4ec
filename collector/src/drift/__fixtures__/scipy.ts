import { fileURLToPath } from 'node:url';
import { rng, runScipy } from '../../testing/stats-reference.js';

export { rng };

const SCRIPT = fileURLToPath(new URL('./scipy_reference.py', import.meta.url));

/** One case for the SciPy reference script. */
export type ScipyCase =
  | { type: 'counts'; ref: number[]; cur: number[] }
  | { type: 'numeric'; ref: number[]; cur: number[] }
  | { type: 'categorical'; ref: string[]; cur: string[] };

/** What the script returns per case (fields by case type; see scipy_reference.py). */
export interface ScipyResult {
  psi: number;
  js: number;
  chi_stat?: number | null;
  chi_p?: number;
  edges?: number[];
  ref_bins?: number[];
  cur_bins?: number[];
  ks_d?: number;
  ks_p?: number;
  wasserstein?: number;
  ref_std?: number;
  wasserstein_normed?: number | null;
  categories?: string[];
}

/**
 * Runs `python3` with NumPy and SciPy on the cases. Throws (failing the test) when python3
 * or SciPy is missing: `.ci/run` installs Debian's python3-scipy when it is absent.
 */
export function scipyReference(cases: ScipyCase[]): ScipyResult[] {
  return runScipy<ScipyCase, ScipyResult>(SCRIPT, cases);
}

/** A normal sample (Box–Muller) of `n` values. */
export function normal(rand: () => number, n: number, mean = 0, sd = 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = 1 - rand();
    const v = rand();
    out.push(mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}
