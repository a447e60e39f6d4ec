import { randomUUID } from 'node:crypto';
import type { Db } from '../../storage/db.js';
import type { Engine } from '../../storage/engine.js';
import type { Matcher } from './matchers.js';
import { chTime, nextVersion, parseJson } from './rows.js';
import type { Schedule } from './schedule.js';

/** A maintenance window: a one-off or weekly time range muting the alerts its matchers select. */
export interface MaintenanceWindow {
  id: string;
  name: string;
  /** Empty: every alert of the project. */
  matchers: Matcher[];
  schedule: Schedule;
  createdAt: string;
}

/** Maintenance window storage (`aiobs_maintenance_windows`; latest version per id wins). */
export interface MaintenanceRepo {
  create(
    project: string,
    w: Omit<MaintenanceWindow, 'id' | 'createdAt'>,
  ): Promise<MaintenanceWindow>;
  list(project: string): Promise<MaintenanceWindow[]>;
  get(project: string, id: string): Promise<MaintenanceWindow | undefined>;
  update(
    project: string,
    id: string,
    w: Omit<MaintenanceWindow, 'id' | 'createdAt'>,
  ): Promise<MaintenanceWindow | undefined>;
  remove(project: string, id: string): Promise<boolean>;
}

interface Row {
  id: string;
  name: string;
  schedule: string;
  matchers: string;
  created_ms: string;
}

/** Creates the repository: writes through the engine's client, reads under the query limits. */
export function createMaintenanceRepo(engine: Engine, db: Db): MaintenanceRepo {
  const table = db.table('aiobs_maintenance_windows');
  const select = `SELECT id, argMax(name, version) AS name, argMax(schedule, version) AS schedule,
      argMax(matchers, version) AS matchers, toUnixTimestamp64Milli(min(created_at)) AS created_ms,
      argMax(deleted, version) AS is_deleted
    FROM ${table} WHERE project_id = {project:String}`;
  const toWindow = (r: Row): MaintenanceWindow => ({
    id: r.id,
    name: r.name,
    matchers: parseJson<Matcher[]>(r.matchers, []),
    schedule: parseJson<Schedule>(r.schedule, {
      kind: 'once',
      startsAt: '1970-01-01T00:00:00Z',
      endsAt: '1970-01-01T00:00:00Z',
    }),
    createdAt: new Date(Number(r.created_ms)).toISOString(),
  });
  async function write(project: string, w: MaintenanceWindow, deleted: boolean) {
    await engine.client.insert({
      table,
      values: [
        {
          project_id: project,
          id: w.id,
          version: nextVersion(),
          name: w.name,
          schedule: JSON.stringify(w.schedule),
          matchers: JSON.stringify(w.matchers),
          created_at: chTime(w.createdAt),
          deleted: deleted ? 1 : 0,
        },
      ],
      format: 'JSONEachRow',
    });
  }
  const repo: MaintenanceRepo = {
    async create(project, input) {
      const w: MaintenanceWindow = {
        ...input,
        id: randomUUID(),
        createdAt: new Date().toISOString(),
      };
      await write(project, w, false);
      return w;
    },
    async list(project) {
      const rows = await db.rows<Row>(
        `${select} GROUP BY id HAVING is_deleted = 0 ORDER BY created_ms, id`,
        { project },
      );
      return rows.map(toWindow);
    },
    async get(project, id) {
      const rows = await db.rows<Row>(
        `${select} AND id = {id:String} GROUP BY id HAVING is_deleted = 0`,
        { project, id },
      );
      return rows[0] ? toWindow(rows[0]) : undefined;
    },
    async update(project, id, input) {
      const old = await repo.get(project, id);
      if (!old) return undefined;
      const w = { ...old, ...input };
      await write(project, w, false);
      return w;
    },
    async remove(project, id) {
      const old = await repo.get(project, id);
      if (!old) return false;
      await write(project, old, true);
      return true;
    },
  };
  return repo;
}
