import { randomUUID } from 'node:crypto';
import type { Db } from '../../storage/db.js';
import type { Engine } from '../../storage/engine.js';
import type { Matcher } from './matchers.js';
import { chTime, nextVersion, parseJson } from './rows.js';

/** A silence: mutes alerts its matchers select between `startsAt` and `endsAt`. */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string;
  createdAt: string;
}

/** Silence storage (`aiobs_alert_silences`; latest version per id wins). */
export interface SilencesRepo {
  create(project: string, s: Omit<Silence, 'id' | 'createdAt'>): Promise<Silence>;
  /** Every silence of the project, newest first; `activeAt` keeps only those muting then. */
  list(project: string, activeAtMs?: number): Promise<Silence[]>;
  get(project: string, id: string): Promise<Silence | undefined>;
  /** Ends a silence now (Alertmanager's expire); undefined when there is no such silence. */
  expire(project: string, id: string): Promise<Silence | undefined>;
}

interface Row {
  id: string;
  matchers: string;
  starts_ms: string;
  ends_ms: string;
  comment: string;
  created_by: string;
  created_ms: string;
}

/** Creates the repository: writes through the engine's client, reads under the query limits. */
export function createSilencesRepo(engine: Engine, db: Db): SilencesRepo {
  const table = db.table('aiobs_alert_silences');
  const select = `SELECT id, argMax(matchers, version) AS matchers,
      toUnixTimestamp64Milli(argMax(starts_at, version)) AS starts_ms,
      toUnixTimestamp64Milli(argMax(ends_at, version)) AS ends_ms,
      argMax(comment, version) AS comment, argMax(created_by, version) AS created_by,
      toUnixTimestamp64Milli(min(created_at)) AS created_ms, argMax(deleted, version) AS is_deleted
    FROM ${table} WHERE project_id = {project:String}`;
  const toSilence = (r: Row): Silence => ({
    id: r.id,
    matchers: parseJson<Matcher[]>(r.matchers, []),
    startsAt: new Date(Number(r.starts_ms)).toISOString(),
    endsAt: new Date(Number(r.ends_ms)).toISOString(),
    comment: r.comment,
    createdBy: r.created_by,
    createdAt: new Date(Number(r.created_ms)).toISOString(),
  });
  async function write(project: string, s: Silence) {
    await engine.client.insert({
      table,
      values: [
        {
          project_id: project,
          id: s.id,
          version: nextVersion(),
          matchers: JSON.stringify(s.matchers),
          starts_at: chTime(s.startsAt),
          ends_at: chTime(s.endsAt),
          comment: s.comment,
          created_by: s.createdBy,
          created_at: chTime(s.createdAt),
          deleted: 0,
        },
      ],
      format: 'JSONEachRow',
    });
  }
  const repo: SilencesRepo = {
    async create(project, input) {
      const s: Silence = { ...input, id: randomUUID(), createdAt: new Date().toISOString() };
      await write(project, s);
      return s;
    },
    async list(project, activeAtMs) {
      const active =
        activeAtMs === undefined ? '' : ' AND starts_ms <= {at:Int64} AND ends_ms > {at:Int64}';
      const rows = await db.rows<Row>(
        `${select} GROUP BY id HAVING is_deleted = 0${active} ORDER BY created_ms DESC, id`,
        {
          project,
          at: activeAtMs ?? 0,
        },
      );
      return rows.map(toSilence);
    },
    async get(project, id) {
      const rows = await db.rows<Row>(
        `${select} AND id = {id:String} GROUP BY id HAVING is_deleted = 0`,
        { project, id },
      );
      return rows[0] ? toSilence(rows[0]) : undefined;
    },
    async expire(project, id) {
      const s = await repo.get(project, id);
      if (!s) return undefined;
      const now = Date.now();
      if (Date.parse(s.endsAt) <= now) return s;
      const ended = {
        ...s,
        endsAt: new Date(now).toISOString(),
        startsAt: new Date(Math.min(now, Date.parse(s.startsAt))).toISOString(),
      };
      await write(project, ended);
      return ended;
    },
  };
  return repo;
}
