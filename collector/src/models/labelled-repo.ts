import type { Db } from '../storage/db.js';
import {
  type LabelledTables,
  type LiveJoin,
  UNRESOLVED_IDS_MAX,
  unresolvedIdsSql,
} from './labelled-sql.js';

/** The qualified tables labelled predictions are read from. */
export function labelledTables(db: Db): LabelledTables {
  return {
    inferences: db.table('aiobs_inferences'),
    feedback: db.table('aiobs_feedback'),
    features: db.table('aiobs_feature_values'),
    labelled: db.table('aiobs_labelled_predictions'),
  };
}

/** How a query joins the unresolved feedback, and the parameter that takes (labelled-sql.ts). */
export interface Unresolved {
  live: LiveJoin;
  params: { unresolved?: string[] };
}

/**
 * Which feedback the query scans (the project's, recorded in `[fbFromMs, fbToMs)`) is
 * unresolved, i.e. must be joined at query time: none (the query then reads no inference
 * row), a few ids (bound as a list), or more than {@link UNRESOLVED_IDS_MAX} (left to a
 * subquery). Asked first for that choice; feedback arriving in between is seen by the next
 * request.
 */
export async function findUnresolved(
  db: Db,
  tables: LabelledTables,
  scan: { project: string; fbFromMs: number; fbToMs: number },
): Promise<Unresolved> {
  const rows = await db.rows<{ id: string }>(unresolvedIdsSql(tables), {
    project: scan.project,
    fbFromMs: scan.fbFromMs,
    fbToMs: scan.fbToMs,
  });
  if (rows.length === 0) return { live: 'none', params: {} };
  if (rows.length > UNRESOLVED_IDS_MAX) return { live: 'query', params: {} };
  return { live: 'ids', params: { unresolved: rows.map((r) => r.id) } };
}
