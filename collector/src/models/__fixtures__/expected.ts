import type { SeedInference } from './seed.js';

/** Figures computed exactly from seeded inferences, to compare with the API's. */

/** Element at 0-based rank floor(q·(n−1)) of the sorted values: what quantileDD approximates. */
export function rankQuantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

/** Exact counts and sums, and the rank quantiles, of a set of inferences. */
export function expectedStats(rows: readonly SeedInference[]) {
  const durations = rows.map((r) => r.durationNs / 1e6);
  const ttfts = rows.filter((r) => r.ttftS !== undefined).map((r) => r.ttftS! * 1000);
  const waits = rows.filter((r) => r.queueWaitS !== undefined).map((r) => r.queueWaitS! * 1000);
  const errors = rows.filter((r) => r.error).length;
  const cacheHits = rows.filter((r) => r.cacheHit === true).length;
  return {
    requests: rows.length,
    errors,
    errorRate: rows.length ? errors / rows.length : null,
    streams: ttfts.length,
    inputTokens: rows.reduce((a, r) => a + r.inputTokens, 0),
    outputTokens: rows.reduce((a, r) => a + r.outputTokens, 0),
    cacheReadTokens: rows.reduce((a, r) => a + (r.cacheReadTokens ?? 0), 0),
    cacheHits,
    cacheHitRate: rows.length ? cacheHits / rows.length : null,
    latencyMeanMs: rows.length ? durations.reduce((a, b) => a + b, 0) / rows.length : null,
    latencyP50Ms: rankQuantile(durations, 0.5),
    latencyP90Ms: rankQuantile(durations, 0.9),
    latencyP95Ms: rankQuantile(durations, 0.95),
    latencyP99Ms: rankQuantile(durations, 0.99),
    ttftP50Ms: rankQuantile(ttfts, 0.5),
    ttftP95Ms: rankQuantile(ttfts, 0.95),
    queueWaitP95Ms: rankQuantile(waits, 0.95),
  };
}

/** Cumulative counts of `values` (ms) at the GenAI duration bucket boundaries. */
export function cumulativeBuckets(values: readonly number[]): number[] {
  const bounds = [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920];
  return bounds.map((b) => values.filter((v) => v <= b).length);
}
