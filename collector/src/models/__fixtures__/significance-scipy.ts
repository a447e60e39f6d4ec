import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./significance_scipy.py', import.meta.url));

/** The first interpreter that imports SciPy (`python3` on PATH, else Debian's). */
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
    'python3 with SciPy is required for the reference values: apt-get install python3-scipy',
  );
}

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
  const out = execFileSync(python(), [SCRIPT], {
    input: JSON.stringify({ cases }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as SignificanceResult[];
}

/** A seeded PRNG (mulberry32): the same numbers on every run. */
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

/** A standard normal draw (Box–Muller). */
export function gauss(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
