import type { Engine } from './engine.js';
import type { KeyKind } from './types.js';

/** A stored credential (by hash). */
export interface KeyRecord {
  projectId: string;
  kind: KeyKind;
}

/** Projects and their hashed keys (`aiobs_projects`, `aiobs_api_keys`). */
export function createAuthRepo(engine: Engine) {
  const { client, database: db } = engine;
  return {
    /** The live key with this hash, if any. */
    async findKey(hash: string): Promise<KeyRecord | undefined> {
      const rs = await client.query({
        query: `SELECT project_id, kind FROM ${db}.aiobs_api_keys FINAL
                WHERE key_hash = {hash:String} AND revoked = 0 LIMIT 1`,
        query_params: { hash },
        format: 'JSONEachRow',
      });
      const row = (await rs.json<{ project_id: string; kind: KeyKind }>())[0];
      return row ? { projectId: row.project_id, kind: row.kind } : undefined;
    },

    /** Whether a live key of `kind` exists (for `project`, when given). */
    async hasKey(kind: KeyKind, project?: string): Promise<boolean> {
      const rs = await client.query({
        query: `SELECT count() AS n FROM ${db}.aiobs_api_keys FINAL
                WHERE kind = {kind:String} AND revoked = 0
                  AND ({project:String} = '' OR project_id = {project:String})`,
        query_params: { kind, project: project ?? '' },
        format: 'JSONEachRow',
      });
      return Number((await rs.json<{ n: string }>())[0]?.n ?? 0) > 0;
    },

    async insertProject(id: string, name: string): Promise<void> {
      await client.insert({
        table: `${db}.aiobs_projects`,
        values: [{ id, name }],
        format: 'JSONEachRow',
      });
    },

    async insertKey(hash: string, projectId: string, kind: KeyKind, name: string): Promise<void> {
      await client.insert({
        table: `${db}.aiobs_api_keys`,
        values: [{ key_hash: hash, project_id: projectId, kind, name }],
        format: 'JSONEachRow',
      });
    },

    /**
     * Revokes the key with this hash: a newer row with `revoked = 1` replaces it (the table
     * is a ReplacingMergeTree read with FINAL). Collectors stop accepting it within their
     * auth cache TTL.
     */
    async revokeKey(hash: string): Promise<void> {
      await client.command({
        query: `INSERT INTO ${db}.aiobs_api_keys (key_hash, project_id, kind, name, created_at, revoked)
                SELECT key_hash, project_id, kind, name, created_at, 1
                FROM ${db}.aiobs_api_keys FINAL WHERE key_hash = {hash:String}`,
        query_params: { hash },
      });
    },
  };
}

/** The repository's interface. */
export type AuthRepo = ReturnType<typeof createAuthRepo>;
