import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  AuditResponse,
  ProjectKeyCreated,
  ProjectKeysResponse,
  ProjectMembersResponse,
  ProjectsResponse,
} from '../api/types.js';
import { AccessCache } from '../auth/access-cache.js';
import { Authenticator } from '../auth/authenticator.js';
import { generateKey, generateKeyId, hashKey, keyPrefix } from '../auth/keys.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { auditWrites } from '../middleware/audit.js';
import { type AppEnv, requireAuth } from '../middleware/auth.js';
import { projectScope } from '../middleware/project-scope.js';
import { createAuthRepo } from '../storage/auth-repo.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { createAuditRepo } from './audit-repo.js';
import type { ProjectKeyRotated } from './keys-routes.js';
import { createMembersRepo } from './members-repo.js';
import { projectsRoutes } from './projects-routes.js';
import { createUsersRepo } from './users-repo.js';

// Issue 11, items 3, 4 and 6 on the real engine: projects, their keys (create, list, revoke,
// rotate with an overlap), members (add, list, change, remove, the last owner kept) and the
// audit log those changes write, behind the same middleware as app.ts's API: authentication,
// projectScope (which leaves /projects to the routes) and auditWrites.

const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'aiobs-projects-'));
let engine: Engine;
let app: Hono<AppEnv>;
let adminToken: string;
const users: Record<'alice' | 'bob' | 'carol', { id: string; email: string; token: string }> =
  {} as never;

/** The API as app.ts mounts it (only the parts these routes need). */
function buildApp(): Hono<AppEnv> {
  const repo = createAuthRepo(engine);
  const authenticator = new Authenticator(repo, {});
  const access = new AccessCache({
    users: createUsersRepo(engine),
    members: createMembersRepo(engine),
  });
  const audit = createAuditRepo(engine);
  const api = new Hono<AppEnv>();
  api.use('*', requireAuth(authenticator, 'api'));
  api.use('*', projectScope(access, { selfScoped: ['/projects', '/users', '/query'] }));
  api.use('*', auditWrites(audit, { log }));
  api.route('/projects', projectsRoutes({ engine, access, audit, authenticator }));
  const root = new Hono<AppEnv>();
  root.route('/api/v1', api);
  root.onError((err, c) => {
    if (!(err instanceof AppError)) throw err;
    const field = err.options.field;
    return c.json(
      { error: { code: err.code, message: err.message, ...(field ? { field } : {}) } },
      err.status,
    );
  });
  return root;
}

interface Answer<T> {
  status: number;
  json: T;
}

/** Calls the API as `token`. */
async function call<T = Record<string, unknown>>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  const res = await app.request(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as T };
}

/** The error body's field and code. */
const errorOf = (a: Answer<unknown>) =>
  (a.json as { error: { code: string; field?: string } }).error;

/** Polls until `fn` is truthy, for at most 20 s. */
async function until(fn: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Stores a key of `kind` straight in the repository (what bootstrap and AUTH's routes do). */
async function storeKey(
  kind: 'admin' | 'personal',
  projectId: string,
  userId?: string,
): Promise<string> {
  const key = generateKey(kind);
  await createAuthRepo(engine).insertKey({
    hash: hashKey(key),
    id: generateKeyId(),
    prefix: keyPrefix(key),
    projectId,
    kind,
    name: kind,
    userId,
  });
  return key;
}

beforeAll(async () => {
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  adminToken = await storeKey('admin', 'default');
  const repo = createUsersRepo(engine);
  for (const name of ['alice', 'bob', 'carol'] as const) {
    const user = await repo.insert({
      email: `${name}@example.com`,
      name,
      passwordHash: 'unused',
    });
    if (!user) throw new Error(`could not create ${name}`);
    users[name] = {
      id: user.id,
      email: user.email,
      token: await storeKey('personal', 'default', user.id),
    };
  }
  app = buildApp();
});
afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('projects', () => {
  test('a user creates a project and owns it; ids are unique; tokens cannot create', async () => {
    const { alice, carol } = users;
    const created = await call(alice.token, 'POST', '/projects', { id: 'acme', name: 'Acme' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'acme', name: 'Acme' });
    expect(Date.parse(String(created.json.createdAt))).toBeGreaterThan(Date.now() - 60_000);
    // The creator's new role applies at once (the access cache was told).
    const mine = await call<ProjectsResponse>(alice.token, 'GET', '/projects');
    expect(mine.json.projects.map((p) => [p.id, p.role])).toEqual([['acme', 'owner']]);
    expect((await call(alice.token, 'GET', '/projects/acme')).json).toMatchObject({
      id: 'acme',
      role: 'owner',
    });

    const again = await call(carol.token, 'POST', '/projects', { id: 'acme', name: 'Mine' });
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({ code: 'conflict', field: 'id' });
    const bad = await call(alice.token, 'POST', '/projects', { id: 'no spaces' });
    expect([bad.status, errorOf(bad).field]).toEqual([400, 'id']);
    const extra = await call(alice.token, 'POST', '/projects', { id: 'x', owner: 'me' });
    expect([extra.status, errorOf(extra).field]).toEqual([400, 'owner']);

    // The admin token creates a project without becoming a member; carol is made its owner.
    expect((await call(adminToken, 'POST', '/projects', { id: 'other' })).status).toBe(201);
    const add = await call(adminToken, 'POST', '/projects/other/members', {
      email: carol.email,
      role: 'owner',
    });
    expect(add.status).toBe(201);
    const all = await call<ProjectsResponse>(adminToken, 'GET', '/projects');
    expect(all.json.projects.map((p) => [p.id, p.role])).toEqual([
      ['acme', undefined],
      ['other', undefined],
    ]);
    // Another tenant's project does not exist for carol.
    expect((await call(carol.token, 'GET', '/projects/acme')).status).toBe(404);
    const carols = await call<ProjectsResponse>(carol.token, 'GET', '/projects');
    expect(carols.json.projects.map((p) => p.id)).toEqual(['other']);

    const key = await call<ProjectKeyCreated>(alice.token, 'POST', '/projects/acme/keys', {
      kind: 'read',
      name: 'grafana',
    });
    const byReadKey = await call(key.json.key, 'POST', '/projects', { id: 'sneaky' });
    expect(byReadKey.status).toBe(403);
  });
});

describe('keys', () => {
  test('created keys are shown once, listed by prefix, and work for their project only', async () => {
    const { alice } = users;
    const read = await call<ProjectKeyCreated>(alice.token, 'POST', '/projects/acme/keys', {
      kind: 'read',
      name: 'dashboards',
    });
    expect(read.status).toBe(201);
    expect(read.json.key).toMatch(/^aiobs_rk_/);
    expect(read.json).toMatchObject({
      kind: 'read',
      name: 'dashboards',
      prefix: read.json.key.slice(0, 12),
      expiresAt: null,
    });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const ingest = await call<ProjectKeyCreated>(alice.token, 'POST', '/projects/acme/keys', {
      kind: 'ingest',
      name: 'prod',
      expiresAt: until,
    });
    expect(ingest.status).toBe(201);
    expect(ingest.json.key).toMatch(/^aiobs_ik_/);
    expect(ingest.json.expiresAt).toBe(until);

    const list = await call<ProjectKeysResponse>(alice.token, 'GET', '/projects/acme/keys');
    const listed = list.json.keys.find((k) => k.id === read.json.id);
    expect(listed).toEqual({
      id: read.json.id,
      prefix: read.json.prefix,
      kind: 'read',
      name: 'dashboards',
      createdAt: read.json.createdAt,
      expiresAt: null,
      createdBy: `user:${alice.id}`,
    });
    expect(list.json.keys.find((k) => k.id === ingest.json.id)?.expiresAt).toBe(until);
    // Only ingest and read keys; never the secret.
    expect(list.json.keys.every((k) => k.kind === 'read' || k.kind === 'ingest')).toBe(true);
    expect(JSON.stringify(list.json)).not.toContain(read.json.key);

    // The read key reads its project, and nothing else.
    expect((await call(read.json.key, 'GET', '/projects/acme')).status).toBe(200);
    expect((await call(read.json.key, 'GET', '/projects/other')).status).toBe(404);
    expect((await call(read.json.key, 'GET', '/projects/acme/keys')).status).toBe(403);
  });

  test('bad input names the field', async () => {
    const { alice } = users;
    const cases: Array<[unknown, string]> = [
      [{ kind: 'admin', name: 'x' }, 'kind'],
      [{ kind: 'personal', name: 'x' }, 'kind'],
      [{ kind: 'read' }, 'name'],
      [{ kind: 'read', name: 'x', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      [{ kind: 'read', name: 'x', expiresAt: 'soon' }, 'expiresAt'],
    ];
    for (const [body, field] of cases) {
      const res = await call(alice.token, 'POST', '/projects/acme/keys', body);
      expect([res.status, errorOf(res).field], JSON.stringify(body)).toEqual([400, field]);
    }
  });

  test("a project's key is never listed, revoked or rotated through another project's path", async () => {
    const { alice, carol } = users;
    const key = await call<ProjectKeyCreated>(alice.token, 'POST', '/projects/acme/keys', {
      kind: 'ingest',
      name: 'isolated',
    });
    // carol owns "other": acme's key does not exist there, and acme does not exist for her.
    for (const [method, path] of [
      ['DELETE', `/projects/other/keys/${key.json.id}`],
      ['POST', `/projects/other/keys/${key.json.id}/rotate`],
      ['GET', '/projects/acme/keys'],
      ['DELETE', `/projects/acme/keys/${key.json.id}`],
    ] as const)
      expect((await call(carol.token, method, path)).status, `${method} ${path}`).toBe(404);
    // Not even the instance admin reaches it through the wrong project.
    const viaOther = await call(adminToken, 'DELETE', `/projects/other/keys/${key.json.id}`);
    expect(viaOther.status).toBe(404);
    const others = await call<ProjectKeysResponse>(carol.token, 'GET', '/projects/other/keys');
    expect(others.json.keys.map((k) => k.id)).not.toContain(key.json.id);
    const still = await call<ProjectKeysResponse>(alice.token, 'GET', '/projects/acme/keys');
    expect(still.json.keys.map((k) => k.id)).toContain(key.json.id);
  });

  test('a revoked key stops at once here and leaves the list', async () => {
    const { alice } = users;
    const key = await call<ProjectKeyCreated>(alice.token, 'POST', '/projects/acme/keys', {
      kind: 'read',
      name: 'to revoke',
    });
    expect((await call(key.json.key, 'GET', '/projects/acme')).status).toBe(200);
    const gone = await call(alice.token, 'DELETE', `/projects/acme/keys/${key.json.id}`);
    expect(gone.status).toBe(204);
    expect((await call(key.json.key, 'GET', '/projects/acme')).status).toBe(401);
    const list = await call<ProjectKeysResponse>(alice.token, 'GET', '/projects/acme/keys');
    expect(list.json.keys.map((k) => k.id)).not.toContain(key.json.id);
    const twice = await call(alice.token, 'DELETE', `/projects/acme/keys/${key.json.id}`);
    expect(twice.status).toBe(404);
  });

  test('rotation: same kind and name, the old key works until its overlap ends, then 401', async () => {
    const { alice } = users;
    const old = await call<ProjectKeyCreated>(alice.token, 'POST', '/projects/acme/keys', {
      kind: 'read',
      name: 'rotating',
    });
    expect((await call(old.json.key, 'GET', '/projects/acme')).status).toBe(200);
    const before = Date.now();
    const rotated = await call<ProjectKeyRotated>(
      alice.token,
      'POST',
      `/projects/acme/keys/${old.json.id}/rotate`,
      { overlapSeconds: 2 },
    );
    expect(rotated.status).toBe(201);
    expect(rotated.json).toMatchObject({ kind: 'read', name: 'rotating', expiresAt: null });
    expect(rotated.json.id).not.toBe(old.json.id);
    expect(rotated.json.key).not.toBe(old.json.key);
    expect(rotated.json.rotatedFrom.id).toBe(old.json.id);
    const endsAt = Date.parse(rotated.json.rotatedFrom.expiresAt);
    expect(endsAt).toBeGreaterThanOrEqual(before + 2000);
    expect(endsAt).toBeLessThanOrEqual(Date.now() + 2000);
    // Both keys work during the overlap, and the list shows when the old one ends.
    expect((await call(old.json.key, 'GET', '/projects/acme')).status).toBe(200);
    expect((await call(rotated.json.key, 'GET', '/projects/acme')).status).toBe(200);
    const list = await call<ProjectKeysResponse>(alice.token, 'GET', '/projects/acme/keys');
    const listedOld = list.json.keys.find((k) => k.id === old.json.id);
    expect(listedOld?.expiresAt).toBe(rotated.json.rotatedFrom.expiresAt);
    // Then the old key stops, not before its expiry, and the new one goes on.
    let stoppedAt = 0;
    await until(async () => {
      const status = (await call(old.json.key, 'GET', '/projects/acme')).status;
      stoppedAt = Date.now();
      return status === 401;
    }, 'the old key to stop');
    expect(stoppedAt).toBeGreaterThanOrEqual(endsAt);
    expect((await call(rotated.json.key, 'GET', '/projects/acme')).status).toBe(200);
    // An expired key is no longer live: it cannot be rotated again.
    const late = await call(alice.token, 'POST', `/projects/acme/keys/${old.json.id}/rotate`);
    expect(late.status).toBe(404);
  });

  test('rotation defaults to a day of overlap, at most 30 days, and takes an empty body', async () => {
    const { alice } = users;
    const old = await call<ProjectKeyCreated>(alice.token, 'POST', '/projects/acme/keys', {
      kind: 'ingest',
      name: 'daily',
    });
    const tooLong = await call(alice.token, 'POST', `/projects/acme/keys/${old.json.id}/rotate`, {
      overlapSeconds: 31 * 86_400,
    });
    expect([tooLong.status, errorOf(tooLong).field]).toEqual([400, 'overlapSeconds']);
    const rotated = await call<ProjectKeyRotated>(
      alice.token,
      'POST',
      `/projects/acme/keys/${old.json.id}/rotate`,
    );
    expect(rotated.status).toBe(201);
    expect(rotated.json.key).toMatch(/^aiobs_ik_/);
    const endsIn = Date.parse(rotated.json.rotatedFrom.expiresAt) - Date.now();
    expect(endsIn).toBeGreaterThan(86_400_000 - 60_000);
    expect(endsIn).toBeLessThanOrEqual(86_400_000);
  });
});

describe('members', () => {
  test('owners add, list, change and remove members; the last owner stays', async () => {
    const { alice, bob } = users;
    // bob is nobody in acme yet.
    expect((await call(bob.token, 'GET', '/projects/acme')).status).toBe(404);
    const add = await call(alice.token, 'POST', '/projects/acme/members', {
      email: 'BOB@example.com',
      role: 'editor',
    });
    expect(add.status).toBe(201);
    expect(add.json).toMatchObject({
      userId: bob.id,
      email: bob.email,
      name: 'bob',
      role: 'editor',
    });
    // Effective at once: bob reads the project, but an editor manages no keys or members.
    expect((await call(bob.token, 'GET', '/projects/acme')).json).toMatchObject({ role: 'editor' });
    expect((await call(bob.token, 'GET', '/projects/acme/members')).status).toBe(403);
    expect((await call(bob.token, 'GET', '/projects/acme/keys')).status).toBe(403);

    const list = await call<ProjectMembersResponse>(alice.token, 'GET', '/projects/acme/members');
    expect(list.json.members.map((m) => [m.userId, m.email, m.name, m.role])).toEqual([
      [alice.id, alice.email, 'alice', 'owner'],
      [bob.id, bob.email, 'bob', 'editor'],
    ]);

    const viewer = await call(alice.token, 'PATCH', `/projects/acme/members/${bob.id}`, {
      role: 'viewer',
    });
    expect([viewer.status, viewer.json.role]).toEqual([200, 'viewer']);
    expect((await call(bob.token, 'GET', '/projects/acme')).json).toMatchObject({ role: 'viewer' });

    // The last owner can be neither removed nor demoted.
    const remove = await call(alice.token, 'DELETE', `/projects/acme/members/${alice.id}`);
    expect([remove.status, errorOf(remove).code]).toEqual([409, 'conflict']);
    const demote = await call(alice.token, 'PATCH', `/projects/acme/members/${alice.id}`, {
      role: 'editor',
    });
    expect(demote.status).toBe(409);
    const byPost = await call(alice.token, 'POST', '/projects/acme/members', {
      userId: alice.id,
      role: 'viewer',
    });
    expect(byPost.status).toBe(409);
    // With a second owner, the first may step down.
    expect(
      (await call(alice.token, 'PATCH', `/projects/acme/members/${bob.id}`, { role: 'owner' }))
        .status,
    ).toBe(200);
    expect((await call(bob.token, 'GET', '/projects/acme/members')).status).toBe(200);
    expect(
      (await call(bob.token, 'PATCH', `/projects/acme/members/${alice.id}`, { role: 'editor' }))
        .status,
    ).toBe(200);
    expect(
      (await call(bob.token, 'PATCH', `/projects/acme/members/${alice.id}`, { role: 'owner' }))
        .status,
    ).toBe(200);
    // Removing bob takes effect at once: acme no longer exists for him.
    expect((await call(alice.token, 'DELETE', `/projects/acme/members/${bob.id}`)).status).toBe(
      204,
    );
    expect((await call(bob.token, 'GET', '/projects/acme')).status).toBe(404);
    expect((await call(alice.token, 'DELETE', `/projects/acme/members/${bob.id}`)).status).toBe(
      404,
    );
  });

  test('bad input names the field; unknown users are 404', async () => {
    const { alice, bob } = users;
    const cases: Array<[unknown, number, string]> = [
      [{ email: 'nobody@example.com', role: 'viewer' }, 404, 'email'],
      [{ userId: 'nope', role: 'viewer' }, 404, 'userId'],
      [{ email: bob.email, role: 'admin' }, 400, 'role'],
      [{ role: 'viewer' }, 400, 'email'],
      [{ email: bob.email, userId: bob.id, role: 'viewer' }, 400, 'email'],
    ];
    for (const [body, status, field] of cases) {
      const res = await call(alice.token, 'POST', '/projects/acme/members', body);
      expect([res.status, errorOf(res).field], JSON.stringify(body)).toEqual([status, field]);
    }
    const patch = await call(alice.token, 'PATCH', `/projects/acme/members/${alice.id}`, {});
    expect([patch.status, errorOf(patch).field]).toEqual([400, 'role']);
    const notMember = await call(alice.token, 'PATCH', `/projects/acme/members/${bob.id}`, {
      role: 'viewer',
    });
    expect(notMember.status).toBe(404);
  });
});

describe('audit log', () => {
  test('the changes above are logged, newest first, and readable by owners only', async () => {
    const { alice, bob, carol } = users;
    const all: AuditResponse['entries'] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page: Answer<AuditResponse> = await call<AuditResponse>(
        alice.token,
        'GET',
        `/projects/acme/audit?limit=3${q}`,
      );
      expect(page.status).toBe(200);
      expect(page.json.entries.length).toBeLessThanOrEqual(3);
      all.push(...page.json.entries);
      cursor = page.json.nextCursor;
    } while (cursor);
    const whole = await call<AuditResponse>(alice.token, 'GET', '/projects/acme/audit');
    expect(all).toEqual(whole.json.entries);
    const times = all.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    const actions = new Set(all.map((e) => e.action));
    for (const action of [
      'projects.create',
      'projects.keys.create',
      'projects.keys.delete',
      'projects.keys.rotate',
      'projects.members.create',
      'projects.members.update',
      'projects.members.delete',
    ])
      expect(actions, action).toContain(action);
    const created = all.find((e) => e.action === 'projects.create');
    expect(created).toMatchObject({ actor: `user:${alice.id}`, target: 'acme' });
    expect(JSON.parse(created!.details)).toEqual({
      method: 'POST',
      path: '/api/v1/projects',
      status: 201,
      keyId: expect.any(String),
    });
    const added = all.find((e) => e.action === 'projects.members.create');
    expect(added?.target).toBe(bob.id);
    const removed = all.find((e) => e.action === 'projects.members.delete');
    expect(removed).toMatchObject({ actor: `user:${alice.id}`, target: bob.id });
    // Refused requests (409, 400, 404) are not changes; no entry holds a key.
    expect(all.every((e) => JSON.parse(e.details).status < 400)).toBe(true);
    expect(JSON.stringify(all)).not.toMatch(/aiobs_(rk|ik)_/);
    // Key ids in the log are the ids the key list shows.
    const keyIds = all.filter((e) => e.action === 'projects.keys.create').map((e) => e.target);
    const listed = await call<ProjectKeysResponse>(alice.token, 'GET', '/projects/acme/keys');
    const made = listed.json.keys.filter((k) => ['dashboards', 'prod'].includes(k.name));
    expect(made).toHaveLength(2);
    expect(keyIds).toEqual(expect.arrayContaining(made.map((k) => k.id)));

    // Other projects' entries stay there: carol's project holds the admin's additions only.
    const other = await call<AuditResponse>(carol.token, 'GET', '/projects/other/audit');
    expect(other.json.entries.map((e) => [e.action, e.actor])).toEqual([
      ['projects.members.create', 'admin-token'],
      ['projects.create', 'admin-token'],
    ]);
    // Owners only: a viewer is refused, another tenant finds nothing.
    await call(alice.token, 'POST', '/projects/acme/members', { email: bob.email, role: 'editor' });
    expect((await call(bob.token, 'GET', '/projects/acme/audit')).status).toBe(403);
    expect((await call(carol.token, 'GET', '/projects/acme/audit')).status).toBe(404);
  });

  test('from, to, limit and cursor are checked', async () => {
    const { alice } = users;
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['from=yesterday', 'from'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['cursor=abc', 'cursor'],
      [`cursor=${Buffer.from('[-1,0]').toString('base64url')}`, 'cursor'],
    ];
    for (const [q, field] of cases) {
      const res = await call(alice.token, 'GET', `/projects/acme/audit?${q}`);
      expect([res.status, errorOf(res).field], q).toEqual([400, field]);
    }
    const future = await call<AuditResponse>(
      alice.token,
      'GET',
      `/projects/acme/audit?from=${Date.now() + 60_000}`,
    );
    expect(future.json).toEqual({ entries: [], nextCursor: null });
  });
});
