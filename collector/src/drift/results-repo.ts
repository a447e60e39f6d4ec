import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import type { DriftResultRow } from './results.js';

/** Reads and writes of `aiobs_drift_results` (migration 0032). */
export interface DriftResultsRepo {
  insert(rows: readonly DriftResultRow[]): Promise<void>;
  /** Whether results of this window and baseline are stored already (the job skips them). */
  has(project: string, model: string, baselineId: string, fromMs: number): Promise<boolean>;
  /** Stored rows of one measure whose windows start in `[fromMs, toMs)`, newest computation. */
  series(q: StoredSeriesQuery): Promise<StoredPoint[]>;
}

/** What a stored series is read for. */
export interface StoredSeriesQuery {
  project: string;
  model: string;
  /** Omitted: the rows of every baseline of the model, each naming its `baseline_id`. */
  baselineId?: string;
  measure: string;
  fromMs: number;
  toMs: number;
  feature?: string;
  version?: string;
  variant?: string;
}

/** One stored window of one feature, version and variant. */
export interface StoredPoint {
  baseline_id: string;
  kind: string;
  feature: string;
  version: string;
  variant: string;
  from_ms: string | number;
  to_ms: string | number;
  score: number | null;
  p_value: number | null;
  verdict: string;
  reference_n: string | number;
  current_n: string | number;
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
    async series(q) {
      const filters = [
        q.baselineId !== undefined ? 'AND baseline_id = {baseline:String}' : '',
        q.feature !== undefined ? 'AND feature = {feature:String}' : '',
        q.version !== undefined ? 'AND version = {version:String}' : '',
        q.variant !== undefined ? 'AND variant = {variant:String}' : '',
      ].join(' ');
      // argMax by computed_at: the newest computation of a window wins even before the
      // ReplacingMergeTree merged the older one away.
      return db.rows<StoredPoint>(
        `SELECT baseline_id, kind, feature, version, variant,
           toUnixTimestamp64Milli(window_start) AS from_ms, toUnixTimestamp64Milli(window_end) AS to_ms,
           argMax(score, computed_at) AS score, argMax(p_value, computed_at) AS p_value,
           argMax(verdict, computed_at) AS verdict, argMax(reference_n, computed_at) AS reference_n,
           argMax(current_n, computed_at) AS current_n
         FROM ${table}
         WHERE project_id = {project:String} AND model = {model:String}
           AND measure = {measure:String}
           AND window_start >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
           AND window_start < fromUnixTimestamp64Milli({to:Int64}, 'UTC') ${filters}
         GROUP BY baseline_id, kind, feature, version, variant, window_start, window_end
         ORDER BY kind, feature, version, variant, window_start, baseline_id`,
        Object.fromEntries(
          Object.entries({
            project: q.project,
            model: q.model,
            baseline: q.baselineId,
            measure: q.measure,
            from: q.fromMs,
            to: q.toMs,
            feature: q.feature,
            version: q.version,
            variant: q.variant,
          }).filter(([, v]) => v !== undefined),
        ),
      );
    },
  };
}
