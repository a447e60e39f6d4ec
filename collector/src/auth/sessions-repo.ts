import type { Engine } from '../storage/engine.js';
import { chTime, fromChTime, nextVersion } from '../storage/rows.js';
import type { Principal, PrincipalKind } from './principal.js';

/** A session as stored: keyed by the SHA-256 of its id, never the id itself. */
export interface SessionRecord {
  idHash: string;
  /** The signed-in user ('' for a session made from the admin token or a read token). */
  userId: string;
  principal: Principal;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
}

/** Where sessions live: the engine (shared by every collector), or memory in unit tests. */
export interface SessionBackend {
  insert(record: SessionRecord): Promise<void>;
  /** The latest state of the session, revoked or expired ones included. */
  find(idHash: string): Promise<SessionRecord | undefined>;
  /** Marks the session revoked; no-op when there is none. */
  revoke(idHash: string): Promise<void>;
  /** Marks every live session of the user revoked. */
  revokeUser(userId: string): Promise<void>;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  principal: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  revoked: number;
  version: string | number;
}

/**
 * Sessions in `aiobs_sessions`. A revocation writes the session's row again with revoked = 1
 * and a higher version; the latest row per id_hash decides. Rows leave by the table's TTL.
 */
export function createSessionsRepo(engine: Engine): SessionBackend {
  const { client, database: db } = engine;
  const latest = (where: string) =>
    `SELECT * FROM ${db}.aiobs_sessions WHERE ${where} ORDER BY version DESC LIMIT 1 BY id_hash`;

  async function rows(query: string, params: Record<string, unknown>): Promise<SessionRow[]> {
    const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return rs.json<SessionRow>();
  }

  async function write(values: SessionRow[]): Promise<void> {
    if (values.length === 0) return;
    await client.insert({ table: `${db}.aiobs_sessions`, values, format: 'JSONEachRow' });
  }

  const revoked = (r: SessionRow): SessionRow => ({
    ...r,
    revoked: 1,
    version: nextVersion(Number(r.version)),
  });

  return {
    async insert(record) {
      await write([
        {
          id_hash: record.idHash,
          user_id: record.userId,
          principal: JSON.stringify(record.principal),
          csrf_token: record.csrfToken,
          created_at: chTime(record.createdAt),
          expires_at: chTime(record.expiresAt),
          revoked: record.revoked ? 1 : 0,
          version: nextVersion(),
        },
      ]);
    },

    async find(idHash) {
      const [row] = await rows(latest('id_hash = {hash:String}'), { hash: idHash });
      return row ? toRecord(row) : undefined;
    },

    async revoke(idHash) {
      const [row] = await rows(latest('id_hash = {hash:String}'), { hash: idHash });
      if (row && Number(row.revoked) === 0) await write([revoked(row)]);
    },

    async revokeUser(userId) {
      const live = await rows(
        `SELECT * FROM (${latest('user_id = {user:String}')})
         WHERE revoked = 0 AND expires_at > now64(3)`,
        { user: userId },
      );
      await write(live.map(revoked));
    },
  };
}

/**
 * Sessions in memory, for unit tests and single-process tools: the same contract as the
 * engine's, without sharing across collectors.
 */
export function createMemorySessionBackend(): SessionBackend {
  const records = new Map<string, SessionRecord>();
  return {
    async insert(record) {
      records.set(record.idHash, { ...record });
    },
    async find(idHash) {
      const r = records.get(idHash);
      return r && { ...r };
    },
    async revoke(idHash) {
      const r = records.get(idHash);
      if (r) r.revoked = true;
    },
    async revokeUser(userId) {
      for (const r of records.values()) if (r.userId === userId) r.revoked = true;
    },
  };
}

const KINDS: readonly PrincipalKind[] = ['admin', 'ingest', 'read', 'user'];

function toRecord(r: SessionRow): SessionRecord | undefined {
  const principal = parsePrincipal(r.principal);
  if (!principal) return undefined;
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    principal,
    csrfToken: r.csrf_token,
    createdAt: fromChTime(r.created_at),
    expiresAt: fromChTime(r.expires_at),
    revoked: Number(r.revoked) === 1,
  };
}

/** The stored principal, or undefined when the row is not one (never trusted blindly). */
function parsePrincipal(text: string): Principal | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const p = value as Partial<Record<keyof Principal, unknown>> | null;
  if (!p || typeof p !== 'object') return undefined;
  if (!KINDS.includes(p.kind as PrincipalKind) || typeof p.projectId !== 'string') return undefined;
  if (p.kind === 'user' && (typeof p.userId !== 'string' || p.userId === '')) return undefined;
  return {
    kind: p.kind as PrincipalKind,
    projectId: p.projectId,
    ...(typeof p.userId === 'string' ? { userId: p.userId } : {}),
    ...(typeof p.keyId === 'string' ? { keyId: p.keyId } : {}),
  };
}
