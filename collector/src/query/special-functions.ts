/**
 * Special functions the statistical tests share (drift's chi-square, the compare's normal
 * tails). Pure.
 */

const EPS = 1e-16;

/**
 * ln Γ(a) for a a positive multiple of 1/2 (all the tests need: a = dof / 2 for chi-square,
 * a = 1/2 for the normal), exactly up to rounding: Γ(1) = 1, Γ(1/2) = √π, Γ(a + 1) = a Γ(a).
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
 * positive multiple of 1/2.
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

/** P(X ≥ x) for X chi-square distributed with `dof` degrees of freedom. */
export function chiSquareSurvival(x: number, dof: number): number {
  if (x <= 0) return 1;
  return gammaQ(dof / 2, x / 2);
}

/**
 * Upper tail of the standard normal, P(Z > z), to about 1e-15 relative: ½·Q(½, z²/2) for
 * z ≥ 0.
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalSf(-z);
  return 0.5 * gammaQ(0.5, (z * z) / 2);
}
