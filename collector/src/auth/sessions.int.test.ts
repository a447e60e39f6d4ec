import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import type { Principal } from './principal.js';
import { SessionStore, type SessionStoreOptions } from './session-store.js';
import { createSessionsRepo, type SessionBackend } from './sessions-repo.js';

// The engine-backed session store against the real engine: two stores over one engine stand
// for two collectors sharing a ClickHouse server.

let dir: string;
let engine: Engine;
let repo: SessionBackend;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-sessions-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 1, fsync: false }, pino({ level: 'silent' }));
  repo = createSessionsRepo(engine);
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const user = (id: string): Principal => ({ kind: 'user', projectId: 'default', userId: id });

/** A "collector": its own store and clock over the shared engine. */
function collector(options: SessionStoreOptions = {}) {
  const clock = { now: Date.now() };
  return { store: new SessionStore(repo, { now: () => clock.now, ...options }), clock };
}

async function rows(query: string, params: Record<string, unknown> = {}) {
  const rs = await engine.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<Record<string, unknown>>();
}

describe('engine-backed sessions', () => {
  test('a session made on one collector is used on another; the table holds only its hash', async () => {
    const a = collector();
    const b = collector();
    const principal: Principal = { kind: 'read', projectId: 'p-read', keyId: 'k1' };
    const { id, session } = await a.store.create(principal);
    expect(await b.store.get(id)).toEqual(session);
    const stored = await rows('SELECT * FROM aiobs_sessions WHERE id_hash = {h:String}', {
      h: createHash('sha256').update(id).digest('hex'),
    });
    expect(stored).toHaveLength(1);
    expect(JSON.parse(String(stored[0]!.principal))).toEqual(principal);
    expect(stored[0]!.csrf_token).toBe(session.csrfToken);
    const leaked = await rows(
      'SELECT count() AS n FROM aiobs_sessions WHERE id_hash = {id:String} OR principal LIKE {like:String}',
      { id, like: `%${id}%` },
    );
    expect(Number(leaked[0]!.n)).toBe(0);
  });

  test('a session expires on time on every collector, whatever their caches hold', async () => {
    const a = collector({ ttlMs: 60_000 });
    const b = collector({ ttlMs: 60_000 });
    const { id } = await a.store.create(user('u-expiry'));
    expect(await b.store.get(id)).toBeDefined();
    a.clock.now += 60_000;
    b.clock.now += 60_000;
    expect(await a.store.get(id)).toBeUndefined();
    expect(await b.store.get(id)).toBeUndefined();
  });

  test('sign-out revokes at once here and within the cache TTL on another collector', async () => {
    const a = collector({ cacheTtlMs: 10_000 });
    const b = collector({ cacheTtlMs: 10_000 });
    const { id } = await a.store.create(user('u-logout'));
    expect(await b.store.get(id)).toBeDefined();
    await a.store.delete(id);
    expect(await a.store.get(id)).toBeUndefined();
    b.clock.now += 10_000;
    expect(await b.store.get(id)).toBeUndefined();
    // A third collector that never saw it reads the revocation straight away.
    expect(await collector().store.get(id)).toBeUndefined();
  });

  test('revokeUser ends every live session of that user and no other', async () => {
    const a = collector();
    const b = collector();
    const [s1, s2, other] = await Promise.all([
      a.store.create(user('u-revoke')),
      a.store.create(user('u-revoke')),
      a.store.create(user('u-keep')),
    ]);
    for (const s of [s1, s2, other]) expect(await b.store.get(s.id)).toBeDefined();
    await a.store.revokeUser('u-revoke');
    expect(await a.store.get(s1.id)).toBeUndefined();
    expect(await a.store.get(s2.id)).toBeUndefined();
    expect(await a.store.get(other.id)).toBeDefined();
    b.clock.now += 10_000;
    expect(await b.store.get(s1.id)).toBeUndefined();
    expect(await b.store.get(s2.id)).toBeUndefined();
    expect(await b.store.get(other.id)).toBeDefined();
    const later = await a.store.create(user('u-revoke'));
    expect(await collector().store.get(later.id)).toBeDefined();
  });

  test('rows leave by TTL a day after they expire (not a retention-day TTL)', async () => {
    const [t] = await rows(
      "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'aiobs_sessions'",
    );
    expect(String(t!.q)).toMatch(/TTL toDateTime\(expires_at\) \+ toIntervalHour\(24\)/);
  });
});
