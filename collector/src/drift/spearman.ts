/**
 * Spearman's rank correlation, as SciPy's `spearmanr` computes it: the Pearson correlation
 * of the two samples' ranks, tied values sharing the average of their ranks. Pure.
 */

/** 1-based ranks of `xs`; tied values get the average of the ranks they span. */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const ranks = Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]!] === xs[order[i]!]) j++;
    // Positions i..j (0-based) hold ranks i+1..j+1: their mean.
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  return ranks;
}

function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  // Rounding can leave |r| a hair above 1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Fewest pairs a correlation is given for. */
export const MIN_PAIRS = 3;

/**
 * Spearman's ρ of paired samples (NaN-free, equal lengths); null with fewer than
 * {@link MIN_PAIRS} pairs or when either sample is constant (SciPy answers NaN there).
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error('spearman: samples of different lengths');
  if (x.length < MIN_PAIRS) return null;
  return pearson(averageRanks(x), averageRanks(y));
}
