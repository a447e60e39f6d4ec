export { actorOf } from '../auth/principal.js';

import type { Engine } from '../storage/engine.js';
import { chTime } from '../storage/rows.js';

/** What {@link AuditRepo.record} stores. */
export interface NewAuditEntry {
  /** The project acted in; '' for instance-wide actions (users). */
  projectId: string;
  /** {@link actorOf} the caller. */
  actor: string;
  /** What was done, e.g. `projects.keys.rotate`. */
  action: string;
  /** What it was done to: an id, or the request path. */
  target: string;
  /** Stored as JSON; never a request body (it may hold secrets). */
  details?: Record<string, unknown> | string;
  /** When (Unix ms); now by default. */
  atMs?: number;
}

/** One stored entry. */
export interface AuditEntry {
  projectId: string;
  atMs: number;
  actor: string;
  action: string;
  target: string;
  /** JSON text. */
  details: string;
}

/**
 * Where the next page starts: the time of the last entry returned, and how many entries of
 * that exact millisecond were already returned (entries share milliseconds, and the log has
 * no other key to order by).
 */
export interface AuditCursor {
  atMs: number;
  skip: number;
}

/** Filters and paging of {@link AuditRepo.list}. */
export interface AuditQuery {
  fromMs?: number;
  toMs?: number;
  limit: number;
  cursor?: AuditCursor;
}

/** A page of entries, newest first; `next` when more may follow. */
export interface AuditPage {
  entries: AuditEntry[];
  next?: AuditCursor;
}

interface AuditRow {
  project_id: string;
  at_ms: string | number;
  actor: string;
  action: string;
  target: string;
  details: string;
}

/**
 * The audit log (`aiobs_audit_log`): append-only, read newest first per project. Entries in
 * one millisecond are ordered by their other columns, so paging is stable without an id.
 */
export function createAuditRepo(engine: Engine) {
  const { client, database: db } = engine;

  return {
    async record(entry: NewAuditEntry): Promise<void> {
      const details =
        typeof entry.details === 'string' ? entry.details : JSON.stringify(entry.details ?? {});
      await client.insert({
        table: `${db}.aiobs_audit_log`,
        values: [
          {
            project_id: entry.projectId,
            at: chTime(entry.atMs ?? Date.now()),
            actor: entry.actor,
            action: entry.action,
            target: entry.target,
            details,
          },
        ],
        format: 'JSONEachRow',
      });
    },

    /** The project's entries, newest first, within [fromMs, toMs] (both inclusive). */
    async list(projectId: string, q: AuditQuery): Promise<AuditPage> {
      // A page after a cursor starts at the cursor's millisecond, past the entries seen.
      const bounds = [q.toMs, q.cursor?.atMs].filter((v): v is number => v !== undefined);
      const where = ['project_id = {project:String}'];
      if (q.fromMs !== undefined) where.push('at >= fromUnixTimestamp64Milli({from:Int64})');
      if (bounds.length > 0) where.push('at <= fromUnixTimestamp64Milli({to:Int64})');
      const rs = await client.query({
        query: `SELECT project_id, toUnixTimestamp64Milli(at) AS at_ms, actor, action, target, details
                FROM ${db}.aiobs_audit_log WHERE ${where.join(' AND ')}
                ORDER BY at DESC, actor, action, target, details
                LIMIT {limit:UInt32} OFFSET {skip:UInt32}`,
        query_params: {
          project: projectId,
          from: q.fromMs,
          to: bounds.length > 0 ? Math.min(...bounds) : undefined,
          limit: q.limit + 1,
          skip: q.cursor?.skip ?? 0,
        },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<AuditRow>();
      const entries = rows.slice(0, q.limit).map(toEntry);
      const last = entries.at(-1);
      if (rows.length <= q.limit || !last) return { entries };
      const sameMs = entries.filter((e) => e.atMs === last.atMs).length;
      const before = q.cursor && q.cursor.atMs === last.atMs ? q.cursor.skip : 0;
      return { entries, next: { atMs: last.atMs, skip: before + sameMs } };
    },
  };
}

/** The repository's interface. */
export type AuditRepo = ReturnType<typeof createAuditRepo>;

function toEntry(r: AuditRow): AuditEntry {
  return {
    projectId: r.project_id,
    atMs: Number(r.at_ms),
    actor: r.actor,
    action: r.action,
    target: r.target,
    details: r.details,
  };
}
