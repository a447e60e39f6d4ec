import type { Db } from '../../storage/db.js';
import type { Engine } from '../../storage/engine.js';
import { chTime, nextVersion } from './rows.js';

/** One webhook request in the outbox; `id` is its `webhook-id`, the same on every retry. */
export interface Delivery {
  project: string;
  id: string;
  channelId: string;
  /** `alert` for a group's notification, `test` for `POST /channels/:id/test`. */
  kind: 'alert' | 'test';
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptMs: number;
  body: string;
  lastError: string;
  createdMs: number;
}

/** One attempt, as the append-only attempt log keeps it. */
export interface Attempt {
  project: string;
  channelId: string;
  deliveryId: string;
  atMs: number;
  attempt: number;
  ok: boolean;
  statusCode: number;
  error: string;
  durationMs: number;
}

/** The outbox (`aiobs_alert_outbox`) and the attempt log (`aiobs_alert_attempts`). */
export interface OutboxRepo {
  /** Writes the delivery's current state (a new version of its row). */
  put(d: Delivery): Promise<void>;
  get(id: string): Promise<Delivery | undefined>;
  /** Every delivery whose latest state is pending, oldest first: what a starting worker resumes. */
  pending(): Promise<Delivery[]>;
  recordAttempt(a: Attempt): Promise<void>;
  /** The latest `n` attempts of each channel of a project, newest first. */
  recentAttempts(project: string, n: number): Promise<Map<string, Attempt[]>>;
}

interface DeliveryRow {
  project_id: string;
  id: string;
  channel_id: string;
  kind: string;
  status: string;
  attempts: number;
  next_attempt_ms: string;
  body: string;
  last_error: string;
  created_ms: string;
}

/** Creates the repository: writes through the engine's client, reads under the query limits. */
export function createOutboxRepo(engine: Engine, db: Db): OutboxRepo {
  const outbox = db.table('aiobs_alert_outbox');
  const attempts = db.table('aiobs_alert_attempts');
  const latest = `SELECT id, argMax(project_id, version) AS project_id, argMax(channel_id, version) AS channel_id,
      argMax(kind, version) AS kind, argMax(status, version) AS status, argMax(attempts, version) AS attempts,
      argMax(next_attempt_ms, version) AS next_attempt_ms, argMax(body, version) AS body,
      argMax(last_error, version) AS last_error, toUnixTimestamp64Milli(min(created_at)) AS created_ms
    FROM ${outbox}`;
  const toDelivery = (r: DeliveryRow): Delivery => ({
    project: r.project_id,
    id: r.id,
    channelId: r.channel_id,
    kind: r.kind === 'test' ? 'test' : 'alert',
    status: r.status as Delivery['status'],
    attempts: Number(r.attempts),
    nextAttemptMs: Number(r.next_attempt_ms),
    body: r.body,
    lastError: r.last_error,
    createdMs: Number(r.created_ms),
  });
  return {
    async put(d) {
      await engine.client.insert({
        table: outbox,
        values: [
          {
            project_id: d.project,
            id: d.id,
            version: nextVersion(),
            channel_id: d.channelId,
            kind: d.kind,
            status: d.status,
            attempts: d.attempts,
            next_attempt_ms: d.nextAttemptMs,
            body: d.body,
            last_error: d.lastError.slice(0, 1024),
            created_at: chTime(d.createdMs),
          },
        ],
        format: 'JSONEachRow',
      });
    },
    async get(id) {
      const rows = await db.rows<DeliveryRow>(`${latest} WHERE id = {id:String} GROUP BY id`, {
        id,
      });
      return rows[0] ? toDelivery(rows[0]) : undefined;
    },
    async pending() {
      const rows = await db.rows<DeliveryRow>(
        `${latest} GROUP BY id HAVING status = 'pending' ORDER BY created_ms, id`,
      );
      return rows.map(toDelivery);
    },
    async recordAttempt(a) {
      await engine.client.insert({
        table: attempts,
        values: [
          {
            project_id: a.project,
            channel_id: a.channelId,
            delivery_id: a.deliveryId,
            at: chTime(a.atMs),
            attempt: a.attempt,
            ok: a.ok ? 1 : 0,
            status_code: a.statusCode,
            error: a.error.slice(0, 1024),
            duration_ms: Math.max(0, Math.round(a.durationMs)),
          },
        ],
        format: 'JSONEachRow',
      });
    },
    async recentAttempts(project, n) {
      const rows = await db.rows<{
        channel_id: string;
        delivery_id: string;
        at_ms: string;
        attempt: number;
        ok: number;
        status_code: number;
        error: string;
        duration_ms: number;
      }>(
        `SELECT channel_id, delivery_id, toUnixTimestamp64Milli(at) AS at_ms, attempt, ok, status_code, error, duration_ms
         FROM ${attempts} WHERE project_id = {project:String}
         ORDER BY channel_id, at DESC LIMIT {n:UInt32} BY channel_id`,
        { project, n },
      );
      const out = new Map<string, Attempt[]>();
      for (const r of rows) {
        const list = out.get(r.channel_id) ?? [];
        list.push({
          project,
          channelId: r.channel_id,
          deliveryId: r.delivery_id,
          atMs: Number(r.at_ms),
          attempt: Number(r.attempt),
          ok: Number(r.ok) === 1,
          statusCode: Number(r.status_code),
          error: r.error,
          durationMs: Number(r.duration_ms),
        });
        out.set(r.channel_id, list);
      }
      return out;
    },
  };
}
