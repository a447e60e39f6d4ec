import type { QualityWindows } from '../drift/ranking.js';
import type { Db } from '../storage/db.js';
import { findUnresolved, labelledTables } from './labelled-repo.js';
import { accuracyParams, accuracySql, errorRateSql } from './quality-windows-sql.js';

/**
 * The per-bucket error rate or accuracy the drift ranking correlates with (drift/ranking.ts),
 * read from the inference rollups and the feedback join of this module.
 */
export function createQualityWindowsRepo(db: Db): QualityWindows {
  return {
    async qualityWindows(q, against) {
      let rows: Array<{ bucket: number | string; value: number }>;
      if (against === 'error_rate') {
        const { labelDelayMs: _, ...params } = q;
        rows = await db.rows(errorRateSql(db.table('aiobs_inference_1m'), q), params);
      } else {
        const { filter, params } = accuracyParams(q);
        const tables = labelledTables(db);
        const u = await findUnresolved(db, tables, params);
        rows = await db.rows(accuracySql(tables, filter, u.live), { ...params, ...u.params });
      }
      return new Map(rows.map((r) => [Number(r.bucket), Number(r.value)]));
    },
  };
}
