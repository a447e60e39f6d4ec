import type { Db } from '../../storage/db.js';
import type { Engine } from '../../storage/engine.js';
import type { AlertNotification } from '../contract.js';
import type { GroupState } from './groups.js';
import { chTime, nextVersion, parseJson } from './rows.js';

/** The notifier's inbox (`aiobs_alert_notifications`) and its groups (`aiobs_alert_groups`). */
export interface InboxRepo {
  /** Of these notification ids, the ones already stored. */
  existing(ids: readonly string[]): Promise<Set<string>>;
  /** Stores notifications in `state` (pending when enqueued, routed once in their groups). */
  put(ns: readonly AlertNotification[], state: 'pending' | 'routed'): Promise<void>;
  /** Notifications not yet routed, in the order they were enqueued. */
  pending(): Promise<AlertNotification[]>;
  putGroup(g: GroupState, deleted: boolean): Promise<void>;
  /** Every live group (what a starting worker resumes). */
  groups(): Promise<GroupState[]>;
}

/** Creates the repository: writes through the engine's client, reads under the query limits. */
export function createInboxRepo(engine: Engine, db: Db): InboxRepo {
  const inbox = db.table('aiobs_alert_notifications');
  const groups = db.table('aiobs_alert_groups');
  return {
    async existing(ids) {
      if (ids.length === 0) return new Set();
      const rows = await db.rows<{ id: string }>(
        `SELECT DISTINCT id FROM ${inbox} WHERE id IN {ids:Array(String)}`,
        { ids },
      );
      return new Set(rows.map((r) => r.id));
    },
    async put(ns, state) {
      if (ns.length === 0) return;
      const now = chTime(Date.now());
      await engine.client.insert({
        table: inbox,
        values: ns.map((n) => ({
          project_id: n.project,
          id: n.id,
          version: nextVersion(),
          state,
          body: JSON.stringify(n),
          created_at: now,
        })),
        format: 'JSONEachRow',
      });
    },
    async pending() {
      const rows = await db.rows<{ body: string }>(
        `SELECT argMax(body, version) AS body, argMax(state, version) AS st, min(version) AS first
         FROM ${inbox} GROUP BY id HAVING st = 'pending' ORDER BY first`,
      );
      return rows
        .map((r) => parseJson<AlertNotification>(r.body, {} as AlertNotification))
        .filter((n) => n.id);
    },
    async putGroup(g, deleted) {
      await engine.client.insert({
        table: groups,
        values: [
          {
            project_id: g.project,
            channel_id: g.channelId,
            group_key: g.key,
            version: nextVersion(),
            state: JSON.stringify(g),
            deleted: deleted ? 1 : 0,
          },
        ],
        format: 'JSONEachRow',
      });
    },
    async groups() {
      const rows = await db.rows<{ state: string }>(
        `SELECT argMax(state, version) AS state, argMax(deleted, version) AS is_deleted
         FROM ${groups} GROUP BY project_id, channel_id, group_key HAVING is_deleted = 0`,
      );
      return rows
        .map((r) => parseJson<GroupState | null>(r.state, null))
        .filter((g): g is GroupState => g !== null);
    },
  };
}
