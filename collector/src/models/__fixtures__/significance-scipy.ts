import { fileURLToPath } from 'node:url';
import { gauss, rng, runScipy } from '../../testing/stats-reference.js';

export { gauss, rng };

const SCRIPT = fileURLToPath(new URL('./significance_scipy.py', import.meta.url));

/** One case for significance_scipy.py. */
export type SignificanceCase =
  | { type: 'mwu'; a: number[]; b: number[] }
  | { type: 'prop'; xa: number; na: number; xb: number; nb: number }
  | { type: 'norm'; z: number[] };

/** What the script answers per case (fields by case type). */
export interface SignificanceResult {
  u?: number;
  p?: number;
  z?: number;
  sf?: number[];
}

/** Runs SciPy on the cases; throws (failing the test) when python3 or SciPy is missing. */
export function scipySignificance(cases: SignificanceCase[]): SignificanceResult[] {
  return runScipy<SignificanceCase, SignificanceResult>(SCRIPT, cases);
}

