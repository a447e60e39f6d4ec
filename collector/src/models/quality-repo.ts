import { allInOrder } from '../query/in-order.js';
import type { Db } from '../storage/db.js';
import { findUnresolved, labelledTables } from './labelled-repo.js';
import { confusionKey, emptySums, type QualitySums } from './quality.js';
import {
  confusionSql,
  predictionCountsSql,
  type QualityParams,
  type QualityQuery,
  qualitySumsSql,
} from './quality-sql.js';

/** Quality sums of one bucket of one group. */
export interface QualityBucket {
  group: string;
  bucketMs: number;
  sums: QualitySums;
}

interface CountRow {
  g: string;
  bucket: number | string;
  predictions: number | string;
}
interface SumsRow {
  g: string;
  bucket: number | string;
  bin: number | string;
  labelled: number | string;
  judged: number | string;
  correct: number | string | null;
  regressed: number | string;
  abs_err: number;
  sq_err: number;
  err: number;
  rated: number | string;
  rating_sum: number | null;
  s_sum: number;
  s2_sum: number;
  sy_sum: number | null;
}
interface ConfusionRow {
  g: string;
  bucket: number | string;
  t_label: string;
  p_lab: string;
  n: number | string;
}

const num = (v: unknown) => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};

/**
 * Creates the quality repository: whether feedback is unresolved, then three reads (counts,
 * sums, confusion), one at a time.
 */
export function createQualityRepo(db: Db) {
  return {
    /** Quality sums per group and bucket of `stepMs` over the range. */
    async buckets(
      query: Omit<QualityQuery, 'tables'>,
      params: QualityParams,
    ): Promise<QualityBucket[]> {
      const tables = labelledTables(db);
      const u = await findUnresolved(db, tables, params);
      const p = { ...params, ...u.params };
      const q: QualityQuery = { ...query, tables, live: u.live };
      const out = new Map<string, QualityBucket>();
      const at = (g: string, bucket: number | string) => {
        const bucketMs = Number(bucket);
        const k = `${bucketMs}\u0000${g}`;
        let b = out.get(k);
        if (!b) {
          b = { group: g, bucketMs, sums: emptySums() };
          out.set(k, b);
        }
        return b.sums;
      };
      // The three reads need only the unresolved set: issued together, applied in this order
      // (the buckets' order is their first appearance).
      const [counts, sums, confusion] = await allInOrder([
        db.rows<CountRow>(predictionCountsSql(q), p),
        db.rows<SumsRow>(qualitySumsSql(q), p),
        db.rows<ConfusionRow>(confusionSql(q), p),
      ]);
      for (const r of counts) at(r.g, r.bucket).predictions += num(r.predictions);
      for (const r of sums) {
        const s = at(r.g, r.bucket);
        s.labelled += num(r.labelled);
        s.judged += num(r.judged);
        s.correct += num(r.correct);
        s.regressed += num(r.regressed);
        s.absErr += num(r.abs_err);
        s.sqErr += num(r.sq_err);
        s.err += num(r.err);
        s.rated += num(r.rated);
        s.ratingSum += num(r.rating_sum);
        const bin = Number(r.bin);
        if (bin >= 0) {
          const b = s.bins[bin]!;
          b.n += num(r.labelled);
          b.y += num(r.correct);
          b.s += num(r.s_sum);
          b.s2 += num(r.s2_sum);
          b.sy += num(r.sy_sum);
        }
      }
      for (const r of confusion) {
        const c = at(r.g, r.bucket).confusion;
        const k = confusionKey(r.t_label, r.p_lab);
        c.set(k, (c.get(k) ?? 0) + num(r.n));
      }
      return [...out.values()];
    },
  };
}

/** The quality repository. */
export type QualityRepo = ReturnType<typeof createQualityRepo>;
