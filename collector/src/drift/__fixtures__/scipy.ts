import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./scipy_reference.py', import.meta.url));

/**
 * The first interpreter that imports SciPy: `python3` on PATH (a pyenv or venv one), else
 * Debian's `/usr/bin/python3`, where `.ci/run` installs python3-scipy.
 */
function python(): string {
  for (const exe of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(exe, ['-c', 'import numpy, scipy'], { stdio: 'ignore' });
      return exe;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'python3 with SciPy is required for the drift reference values: apt-get install python3-scipy',
  );
}

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
  const out = execFileSync(python(), [SCRIPT], {
    input: JSON.stringify({ cases }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as ScipyResult[];
}

/** A seeded PRNG (mulberry32): the same samples on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
