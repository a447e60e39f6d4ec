import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import type { DriftResultRow } from './results.js';

/** Reads and writes of `aiobs_drift_results` (migration 0032). */
export interface DriftResultsRepo {
  insert(rows: readonly DriftResultRow[]): Promise<void>;
  /** Whether results of this window and baseline are stored already (the job skips them). */
  has(project: string, model: string, baselineId: string, fromMs: number): Promise<boolean>;
}

/** Creates the repository: writes through the engine's client, reads under the query limits. */
export function createDriftResultsRepo(engine: Engine, db: Db): DriftResultsRepo {
  const table = db.table('aiobs_drift_results');
  return {
    async insert(rows) {
      if (rows.length === 0) return;
      await engine.client.insert({
        table,
        values: rows as DriftResultRow[],
        format: 'JSONEachRow',
      });
    },
    async has(project, model, baselineId, fromMs) {
      const r = await db.rows<{ n: string | number }>(
        `SELECT count() AS n FROM ${table}
         WHERE project_id = {project:String} AND model = {model:String}
           AND window_start = fromUnixTimestamp64Milli({from:Int64}, 'UTC')
           AND baseline_id = {baseline:String}`,
        { project, model, baseline: baselineId, from: fromMs },
      );
      return Number(r[0]?.n ?? 0) > 0;
    },
  };
}
