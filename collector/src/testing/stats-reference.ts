import { execFileSync } from 'node:child_process';

/**
 * Test support for statistics checked against SciPy, run at test time as an independent
 * reference (drift statistics, the compare's significance tests).
 */

let interpreter: string | undefined;

/**
 * The first interpreter that imports SciPy: `python3` on PATH (a pyenv or venv one), else
 * Debian's `/usr/bin/python3`, where `.ci/run` installs python3-scipy. Throws (failing the
 * test) when neither has it.
 */
function python(): string {
  if (interpreter) return interpreter;
  for (const exe of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(exe, ['-c', 'import numpy, scipy'], { stdio: 'ignore' });
      interpreter = exe;
      return exe;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'python3 with SciPy is required for the reference values: apt-get install python3-scipy',
  );
}

/** Runs a reference script with `{"cases": [...]}` on stdin and parses its JSON answer. */
export function runScipy<C, R>(script: string, cases: readonly C[]): R[] {
  const out = execFileSync(python(), [script], {
    input: JSON.stringify({ cases }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as R[];
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
