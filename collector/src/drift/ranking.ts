import type { DriftRankingEntry } from '../api/types.js';
import type { StoredPoint } from './results-repo.js';
import { spearman } from './spearman.js';

/**
 * Ranking of drifted features by how their drift goes with the model's quality (issue 9,
 * item 3; docs/api.md "GET /api/v1/drift/ranking"). Pure.
 *
 * Each feature's stored per-window drift score (one measure, higher = more drift) is put in
 * epoch-aligned buckets of `stepMs` (the mean of the bucket's windows, weighted by their
 * current values, over every version and variant the query covers) and paired with the
 * bucket's error rate or accuracy; Spearman's ρ of the pairs ranks the features. Windows
 * judged `insufficient_data` are left out: their scores are noise.
 */

/** What the model's quality is measured by, per bucket. */
export type RankAgainst = DriftRankingEntry['against'];

/** Bucket start (Unix ms) of a time on the `stepMs` grid. */
export const bucketOf = (ms: number, stepMs: number) => Math.floor(ms / stepMs) * stepMs;

interface Acc {
  /** Per bucket: Σ weight·score and Σ weight. */
  sums: Map<number, { ws: number; w: number }>;
  drifted: Set<number>;
}

/**
 * The ranking: features whose drift rises with the error rate (or falls with the accuracy)
 * first, then the others, features without a correlation last, ties by name.
 */
export function rankFeatures(
  points: readonly StoredPoint[],
  quality: ReadonlyMap<number, number>,
  stepMs: number,
  against: RankAgainst,
): DriftRankingEntry[] {
  const by = new Map<string, Acc>();
  for (const p of points) {
    if (p.kind !== 'feature' || p.feature === '') continue;
    let acc = by.get(p.feature);
    if (!acc) {
      acc = { sums: new Map(), drifted: new Set() };
      by.set(p.feature, acc);
    }
    if (p.verdict === 'insufficient_data' || p.score === null || !Number.isFinite(p.score))
      continue;
    const bucket = bucketOf(Number(p.from_ms), stepMs);
    const w = Math.max(Number(p.current_n), 1);
    const s = acc.sums.get(bucket) ?? { ws: 0, w: 0 };
    s.ws += w * p.score;
    s.w += w;
    acc.sums.set(bucket, s);
    if (p.verdict === 'drift') acc.drifted.add(bucket);
  }
  const out: DriftRankingEntry[] = [];
  for (const [feature, acc] of by) {
    const x: number[] = [];
    const y: number[] = [];
    let drifted = 0;
    for (const [bucket, s] of [...acc.sums].sort((a, b) => a[0] - b[0])) {
      const q = quality.get(bucket);
      if (q === undefined) continue;
      x.push(s.ws / s.w);
      y.push(q);
      if (acc.drifted.has(bucket)) drifted++;
    }
    out.push({
      feature,
      spearman: spearman(x, y),
      windows: x.length,
      driftedWindows: drifted,
      against,
    });
  }
  // Drift that goes with more errors, or with less accuracy, first.
  const sign = against === 'error_rate' ? -1 : 1;
  return out.sort((a, b) => {
    if (a.spearman === null || b.spearman === null)
      return a.spearman === b.spearman
        ? a.feature < b.feature
          ? -1
          : 1
        : a.spearman === null
          ? 1
          : -1;
    return sign * (a.spearman - b.spearman) || (a.feature < b.feature ? -1 : 1);
  });
}

/** What a quality-by-bucket query covers. */
export interface QualityWindowsQuery {
  project: string;
  model: string;
  /** Whole buckets: multiples of `stepMs`. */
  fromMs: number;
  toMs: number;
  stepMs: number;
  version?: string;
  variant?: string;
  /** How long after a prediction its feedback still counts (accuracy only). */
  labelDelayMs: number;
}

/**
 * The model's error rate (from the inference rollups) or accuracy (from feedback) per bucket
 * of `q.stepMs`, keyed by the bucket's start; buckets without requests (or judged
 * predictions) absent. The models module reads it (models/quality-windows-repo.ts) and the
 * app passes it in, so drift does not import the module that builds on it.
 */
export interface QualityWindows {
  qualityWindows(q: QualityWindowsQuery, against: RankAgainst): Promise<Map<number, number>>;
}
