/** Random draws for the simulated traffic (Math.random based; the demo needs variety, not replay). */

/** Standard normal draw (Box–Muller). */
export function normal(mean = 0, sd = 1): number {
  const u = 1 - Math.random();
  const v = Math.random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal draw with the given median and log-space sigma. */
export function logNormal(median: number, sigma: number): number {
  return median * Math.exp(normal(0, sigma));
}

/** Exponential draw with the given mean. */
export function exponential(mean: number): number {
  return -mean * Math.log(1 - Math.random());
}

/** True with probability `p`. */
export function chance(p: number): boolean {
  return Math.random() < p;
}

/** Uniform draw in [lo, hi). */
export function uniform(lo: number, hi: number): number {
  return lo + Math.random() * (hi - lo);
}

/** Picks a key of `weights` with probability proportional to its weight. */
export function weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as [K, number][];
  let total = 0;
  for (const [, w] of entries) total += w;
  let r = Math.random() * total;
  for (const [k, w] of entries) {
    r -= w;
    if (r < 0) return k;
  }
  return (entries.at(-1) as [K, number])[0];
}

/** Zipf-like index in [0, n): a few popular items, a long tail (for cache hit rates). */
export function zipfIndex(n: number, s = 1.1): number {
  // inverse-CDF on a continuous approximation; good enough for a demo
  const u = Math.random();
  const x = (n ** (1 - s) - 1) * u + 1;
  return Math.min(n - 1, Math.max(0, Math.floor(x ** (1 / (1 - s))) - 1));
}

/** A stable 0..1 value for a string (for sticky A/B assignment per user). */
export function hashUnit(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 4294967296;
}
