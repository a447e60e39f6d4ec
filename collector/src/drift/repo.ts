import type { Db } from '../storage/db.js';
import {
  assembleStats,
  type BinRow,
  type CategoryRow,
  type CountRow,
  type FeatureStats,
  type TestRow,
} from './features.js';
import {
  categoriesSql,
  countsSql,
  type DriftQuery,
  driftParams,
  numericBinsSql,
  numericTestsSql,
} from './sql.js';

/** Reads of the typed feature rows for drift. */
export interface DriftRepo {
  /** Per-feature drift statistics of one model: reference against current. */
  featureStats(q: Omit<DriftQuery, 'table'>): Promise<FeatureStats[]>;
}

/** Creates the drift repository over the query helpers (every query under the limits). */
export function createDriftRepo(db: Db): DriftRepo {
  return {
    async featureStats(query) {
      const q = { ...query, table: db.table('aiobs_feature_values') };
      const params = driftParams(q);
      // One at a time: the embedded engine runs one query at a time anyway.
      const counts = await db.rows<CountRow>(countsSql(q), params);
      if (counts.length === 0) return [];
      const bins = await db.rows<BinRow>(numericBinsSql(q), params);
      const tests = await db.rows<TestRow>(numericTestsSql(q), params);
      const categories = await db.rows<CategoryRow>(categoriesSql(q), params);
      return assembleStats(counts, bins, tests, categories);
    },
  };
}
