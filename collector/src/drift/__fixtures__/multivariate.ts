import { fileURLToPath } from 'node:url';
import { runScipy } from '../../testing/stats-reference.js';

const SCRIPT = fileURLToPath(new URL('./multivariate_reference.py', import.meta.url));

/** One case for multivariate_reference.py. */
export type MultivariateCase =
  | { type: 'spearman'; x: number[]; y: number[] }
  | { type: 'pca'; fit: number[][]; rows: number[][]; share: number };

/** What the script returns (fields by case type). */
export interface MultivariateResult {
  rho?: number | null;
  eigenvalues?: number[];
  components?: number;
  explained?: number;
  errors?: number[];
}

/** Runs NumPy/SciPy on the cases (python3 with SciPy is required, as for scipy.ts). */
export function multivariateReference(cases: MultivariateCase[]): MultivariateResult[] {
  return runScipy<MultivariateCase, MultivariateResult>(SCRIPT, cases);
}

/**
 * `n` pairs (x, y) of standard normals with correlation `rho` (each marginal N(0, 1)).
 */
export function correlatedPairs(
  gauss: () => number,
  n: number,
  rho: number,
): Array<[number, number]> {
  return Array.from({ length: n }, () => {
    const a = gauss();
    const b = gauss();
    return [a, rho * a + Math.sqrt(1 - rho * rho) * b];
  });
}
