import type { Engine } from './engine.js';
import { chTime, fromChTime } from './rows.js';
import type { KeyKind } from './types.js';

/** A live stored credential (by hash): what it may do and for whom. */
export interface KeyRecord {
  id: string;
  projectId: string;
  kind: KeyKind;
  /** The user a personal token acts as. */
  userId?: string;
  /** Unix ms after which the key stops working (rotation overlap, or set at creation). */
  expiresAt?: number;
}

/** A key as lists show it: never the key or its hash. */
export interface KeyInfo extends KeyRecord {
  prefix: string;
  name: string;
  createdAt: number;
  createdBy?: string;
}

/** What {@link AuthRepo.insertKey} stores. */
export interface NewKey {
  hash: string;
  id: string;
  prefix: string;
  projectId: string;
  kind: KeyKind;
  name: string;
  userId?: string;
  expiresAt?: number;
  createdBy?: string;
}

/** A project row. */
export interface ProjectRecord {
  id: string;
  name: string;
  createdAt: number;
}

interface KeyRow {
  key_hash: string;
  id: string;
  prefix: string;
  project_id: string;
  kind: KeyKind;
  name: string;
  user_id: string;
  expires_at: string | null;
  created_by: string;
  created_at: string;
  revoked: number;
}

const KEY_COLUMNS =
  'key_hash, id, prefix, project_id, kind, name, user_id, expires_at, created_by, created_at, revoked';

/**
 * Projects and their hashed keys (`aiobs_projects`, `aiobs_api_keys`). Every change to a key
 * writes a new row with a higher `version`; the latest row of a key decides (revoked wins a
 * tie, for rows written before versions existed). Live means not revoked and not expired.
 */
export function createAuthRepo(engine: Engine) {
  const { client, database: db } = engine;
  // The latest row per key hash; `where` filters before the per-key choice.
  const latest = (where: string) =>
    `SELECT ${KEY_COLUMNS} FROM ${db}.aiobs_api_keys WHERE ${where}
     ORDER BY version DESC, revoked DESC LIMIT 1 BY key_hash`;
  const live = `revoked = 0 AND (expires_at IS NULL OR expires_at > now64(3))`;

  async function rows(query: string, params: Record<string, unknown>): Promise<KeyRow[]> {
    const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return rs.json<KeyRow>();
  }

  async function write(row: KeyRow): Promise<void> {
    await client.insert({
      table: `${db}.aiobs_api_keys`,
      values: [{ ...row, version: Date.now() }],
      format: 'JSONEachRow',
    });
  }

  async function rowById(id: string): Promise<KeyRow | undefined> {
    const [row] = await rows(
      `SELECT * FROM (${latest('id = {id:String}')}) WHERE ${live} LIMIT 1`,
      { id },
    );
    return row;
  }

  return {
    /** The live key with this hash, if any. */
    async findKey(hash: string): Promise<KeyRecord | undefined> {
      const [row] = await rows(
        `SELECT * FROM (${latest('key_hash = {hash:String}')}) WHERE ${live}`,
        { hash },
      );
      return row ? toRecord(row) : undefined;
    },

    /** Live keys, filtered by project, user and kinds (newest first). */
    async listKeys(
      filter: { projectId?: string; userId?: string; kinds?: readonly KeyKind[] } = {},
    ): Promise<KeyInfo[]> {
      const where = [
        '1',
        filter.projectId !== undefined ? 'project_id = {project:String}' : '',
        filter.userId !== undefined ? 'user_id = {user:String}' : '',
        filter.kinds ? 'kind IN {kinds:Array(String)}' : '',
      ].filter(Boolean);
      const found = await rows(
        `SELECT * FROM (${latest(where.join(' AND '))}) WHERE ${live} ORDER BY created_at DESC`,
        { project: filter.projectId, user: filter.userId, kinds: filter.kinds },
      );
      return found.map(toInfo);
    },

    /** The live key with this public id. */
    async getKey(id: string): Promise<KeyInfo | undefined> {
      const row = await rowById(id);
      return row ? toInfo(row) : undefined;
    },

    /** Whether a live key of `kind` exists (for `project`, when given). */
    async hasKey(kind: KeyKind, project?: string): Promise<boolean> {
      const found = await rows(
        `SELECT * FROM (${latest('kind = {kind:String}')}) WHERE ${live}
           AND ({project:String} = '' OR project_id = {project:String}) LIMIT 1`,
        { kind, project: project ?? '' },
      );
      return found.length > 0;
    },

    async insertKey(key: NewKey): Promise<void> {
      await write({
        key_hash: key.hash,
        id: key.id,
        prefix: key.prefix,
        project_id: key.projectId,
        kind: key.kind,
        name: key.name,
        user_id: key.userId ?? '',
        expires_at: key.expiresAt === undefined ? null : chTime(key.expiresAt),
        created_by: key.createdBy ?? '',
        created_at: chTime(Date.now()),
        revoked: 0,
      });
    },

    /**
     * Revokes the live key with this id; false when there is none. Collectors stop accepting
     * it within their auth cache TTL (10 s).
     */
    async revokeKeyById(id: string): Promise<boolean> {
      const row = await rowById(id);
      if (!row) return false;
      await write({ ...row, revoked: 1 });
      return true;
    },

    /** Revokes the key with this hash (the bootstrap's reseeding). */
    async revokeKey(hash: string): Promise<void> {
      const [row] = await rows(latest('key_hash = {hash:String}'), { hash });
      if (row) await write({ ...row, revoked: 1 });
    },

    /** Sets when the live key `id` stops working; false when there is none. */
    async setKeyExpiry(id: string, expiresAt: number): Promise<boolean> {
      const row = await rowById(id);
      if (!row) return false;
      await write({ ...row, expires_at: chTime(expiresAt) });
      return true;
    },

    async insertProject(id: string, name: string): Promise<void> {
      await client.insert({
        table: `${db}.aiobs_projects`,
        values: [{ id, name }],
        format: 'JSONEachRow',
      });
    },

    /** Every project, by id. */
    async listProjects(): Promise<ProjectRecord[]> {
      const rs = await client.query({
        query: `SELECT id, argMax(name, created_at) AS name, min(created_at) AS first_at
                FROM ${db}.aiobs_projects GROUP BY id ORDER BY id`,
        format: 'JSONEachRow',
      });
      return (await rs.json<{ id: string; name: string; first_at: string }>()).map((r) => ({
        id: r.id,
        name: r.name,
        createdAt: fromChTime(r.first_at),
      }));
    },

    /** The project with this id. */
    async getProject(id: string): Promise<ProjectRecord | undefined> {
      const rs = await client.query({
        query: `SELECT id, argMax(name, created_at) AS name, min(created_at) AS first_at
                FROM ${db}.aiobs_projects WHERE id = {id:String} GROUP BY id`,
        query_params: { id },
        format: 'JSONEachRow',
      });
      const [r] = await rs.json<{ id: string; name: string; first_at: string }>();
      return r ? { id: r.id, name: r.name, createdAt: fromChTime(r.first_at) } : undefined;
    },
  };
}

/** The repository's interface. */
export type AuthRepo = ReturnType<typeof createAuthRepo>;

function toRecord(r: KeyRow): KeyRecord {
  return {
    id: r.id,
    projectId: r.project_id || 'default',
    kind: r.kind,
    ...(r.user_id ? { userId: r.user_id } : {}),
    ...(r.expires_at ? { expiresAt: fromChTime(r.expires_at) } : {}),
  };
}

function toInfo(r: KeyRow): KeyInfo {
  return {
    ...toRecord(r),
    prefix: r.prefix,
    name: r.name,
    createdAt: fromChTime(r.created_at),
    ...(r.created_by ? { createdBy: r.created_by } : {}),
  };
}
