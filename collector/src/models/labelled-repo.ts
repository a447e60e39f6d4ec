import type { Db } from '../storage/db.js';
import { type LabelledTables, unresolvedCountSql } from './labelled-sql.js';

/** The qualified tables labelled predictions are read from. */
export function labelledTables(db: Db): LabelledTables {
  return {
    inferences: db.table('aiobs_inferences'),
    feedback: db.table('aiobs_feedback'),
    features: db.table('aiobs_feature_values'),
    labelled: db.table('aiobs_labelled_predictions'),
  };
}

/**
 * Whether any feedback the query scans (the project's, recorded in `[fbFromMs, fbToMs)`)
 * is unresolved, i.e. must be joined at query time. Asked first because a query without the
 * live join reads no inference row at all; feedback arriving in between is simply seen
 * by the next request.
 */
export async function hasUnresolved(
  db: Db,
  tables: LabelledTables,
  params: { project: string; fbFromMs: number; fbToMs: number },
): Promise<boolean> {
  const [row] = await db.rows<{ n: string | number }>(unresolvedCountSql(tables), {
    project: params.project,
    fbFromMs: params.fbFromMs,
    fbToMs: params.fbToMs,
  });
  return Number(row?.n ?? 0) > 0;
}
