import type { QualityGroup, QualityPoint } from '../api/types.js';
import {
  addSums,
  emptySums,
  labelQuality,
  MAX_LABELS,
  positiveLabel,
  type QualitySums,
  qualityFigures,
  reliability,
} from './quality.js';
import type { QualityBucket } from './quality-repo.js';

/** Most groups (versions or variants) an answer lists: those with the most predictions. */
export const MAX_QUALITY_GROUPS = 50;

/**
 * The answer's groups from the repository's buckets: per group the total over the range
 * (the sum of its buckets) with labels and reliability bins, and one point per bucket of the
 * aligned range `[fromMs, toMs)`, empty buckets included. Pure.
 */
export function shapeQuality(
  buckets: readonly QualityBucket[],
  opts: {
    dimension: 'version' | 'variant';
    fromMs: number;
    toMs: number;
    stepMs: number;
    positive?: string;
  },
): QualityGroup[] {
  const groups = new Map<string, { total: QualitySums; byBucket: Map<number, QualitySums> }>();
  for (const b of buckets) {
    let g = groups.get(b.group);
    if (!g) {
      g = { total: emptySums(), byBucket: new Map() };
      groups.set(b.group, g);
    }
    g.byBucket.set(b.bucketMs, b.sums);
    addSums(g.total, b.sums);
  }
  return [...groups.entries()]
    .sort(([ka, a], [kb, b]) => b.total.predictions - a.total.predictions || (ka < kb ? -1 : 1))
    .slice(0, MAX_QUALITY_GROUPS)
    .map(([value, g]) => {
      const labels = labelQuality(g.total.confusion);
      const points: QualityPoint[] = [];
      for (let t = opts.fromMs; t < opts.toMs; t += opts.stepMs)
        points.push({
          time: new Date(t).toISOString(),
          ...qualityFigures(g.byBucket.get(t) ?? emptySums()),
        });
      return {
        group: { [opts.dimension]: value },
        total: {
          ...qualityFigures(g.total),
          labels: labels.slice(0, MAX_LABELS),
          positive: positiveLabel(labels, opts.positive),
          reliability: reliability(g.total.bins),
        },
        points,
      };
    });
}
