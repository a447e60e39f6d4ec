import { randomUUID } from 'node:crypto';
import type { Db } from '../../storage/db.js';
import type { Engine } from '../../storage/engine.js';
import type { ChannelSpec } from './channel-schema.js';
import { chTime, nextVersion, parseJson } from './rows.js';
import { generateSecret } from './sign.js';

/** A stored channel, secret included (the API shows it only when the channel is created). */
export interface StoredChannel {
  id: string;
  project: string;
  spec: ChannelSpec;
  secret: string;
  createdAt: string;
  updatedAt: string;
}

/** Channel storage (`aiobs_alert_channels`; latest version per id wins). */
export interface ChannelsRepo {
  create(project: string, spec: ChannelSpec): Promise<StoredChannel>;
  list(project: string): Promise<StoredChannel[]>;
  get(project: string, id: string): Promise<StoredChannel | undefined>;
  /** Replaces the settings, keeping the id and the secret; false when there is no such channel. */
  update(project: string, id: string, spec: ChannelSpec): Promise<StoredChannel | undefined>;
  remove(project: string, id: string): Promise<boolean>;
}

interface Row {
  id: string;
  spec: string;
  secret: string;
  created: string;
  updated: string;
}

/** Creates the repository: writes through the engine's client, reads under the query limits. */
export function createChannelsRepo(engine: Engine, db: Db): ChannelsRepo {
  const table = db.table('aiobs_alert_channels');
  const select = `SELECT id, argMax(spec, version) AS spec, argMax(secret, version) AS secret,
      toUnixTimestamp64Milli(min(created_at)) AS created, intDiv(max(version), 1000) AS updated,
      argMax(deleted, version) AS is_deleted
    FROM ${table} WHERE project_id = {project:String}`;

  const toChannel = (project: string, r: Row): StoredChannel => ({
    id: r.id,
    project,
    spec: parseJson<ChannelSpec>(r.spec, {} as ChannelSpec),
    secret: r.secret,
    createdAt: new Date(Number(r.created)).toISOString(),
    updatedAt: new Date(Number(r.updated)).toISOString(),
  });

  async function write(project: string, c: StoredChannel, deleted: boolean) {
    await engine.client.insert({
      table,
      values: [
        {
          project_id: project,
          id: c.id,
          version: nextVersion(),
          name: c.spec.name,
          spec: JSON.stringify(c.spec),
          secret: c.secret,
          created_at: chTime(c.createdAt),
          deleted: deleted ? 1 : 0,
        },
      ],
      format: 'JSONEachRow',
    });
  }

  const repo: ChannelsRepo = {
    async create(project, spec) {
      const now = new Date().toISOString();
      const c: StoredChannel = {
        id: randomUUID(),
        project,
        spec,
        secret: generateSecret(),
        createdAt: now,
        updatedAt: now,
      };
      await write(project, c, false);
      return c;
    },
    async list(project) {
      const rows = await db.rows<Row>(
        `${select} GROUP BY id HAVING is_deleted = 0 ORDER BY created, id`,
        { project },
      );
      return rows.map((r) => toChannel(project, r));
    },
    async get(project, id) {
      const rows = await db.rows<Row>(
        `${select} AND id = {id:String} GROUP BY id HAVING is_deleted = 0`,
        { project, id },
      );
      return rows[0] ? toChannel(project, rows[0]) : undefined;
    },
    async update(project, id, spec) {
      const old = await repo.get(project, id);
      if (!old) return undefined;
      const c = { ...old, spec, updatedAt: new Date().toISOString() };
      await write(project, c, false);
      return c;
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
