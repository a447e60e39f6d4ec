import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClickHouseFixture, startClickHouse } from './helpers/clickhouse-server.js';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// Tenancy end to end (issue 11, item 7): password sign-in and its cookie, session expiry,
// CSRF refusal, logout, key rotation with an overlap, revocation on every collector within
// 10 s, roles, read tokens over HTTP Basic, and the admin token's continuity. Two real
// collector processes share one ClickHouse HTTP fixture; the second signs sessions in for 10 s (long enough that a loaded machine still sees the session work first).

let ch: ClickHouseFixture;
let c1: RunningCollector;
let c2: RunningCollector;
/** The instance admin user from c1's credentials.json (created on first start). */
let adminUser: string;
let adminPassword: string;

beforeAll(async () => {
  ch = await startClickHouse();
  // One after the other: the first creates the schema and the instance admin user.
  c1 = await startCollector({ clickhouse: ch });
  c2 = await startCollector({ clickhouse: ch, args: ['--session-ttl', '10s'] });
  const creds = JSON.parse(readFileSync(join(c1.dataDir, 'credentials.json'), 'utf8'));
  adminUser = creds.adminUser;
  adminPassword = creds.adminPassword;
});
afterAll(async () => {
  await c2?.stop();
  await c1?.stop();
  await ch?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One request; `auth` is a bearer token, a session, or raw headers. */
async function call(
  c: RunningCollector,
  method: string,
  path: string,
  opts: {
    token?: string;
    session?: Session;
    csrf?: string | null;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.session) {
    headers.cookie = opts.session.cookie;
    const csrf = opts.csrf === undefined ? opts.session.csrfToken : opts.csrf;
    if (csrf !== null) headers['x-csrf-token'] = csrf;
  }
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${c.url}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, headers: res.headers, body };
}

/** A signed-in session: the cookie to send back, its CSRF token, and the raw Set-Cookie. */
interface Session {
  cookie: string;
  csrfToken: string;
  setCookie: string;
  body: any;
}

/** Signs in with a password; throws unless it succeeds. */
async function login(c: RunningCollector, email: string, password: string): Promise<Session> {
  const res = await fetch(`${c.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { csrfToken: string };
  if (res.status !== 200)
    throw new Error(`login ${email} -> ${res.status}: ${JSON.stringify(body)}`);
  const setCookie = res.headers.getSetCookie().find((h) => h.startsWith('aiobs_session='));
  if (!setCookie) throw new Error(`login ${email}: no aiobs_session cookie`);
  return { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, setCookie, body };
}

/** Polls `probe` until it holds; resolves with the ms it took, rejects past `deadlineMs`. */
async function until(probe: () => Promise<boolean>, deadlineMs: number, what: string) {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > deadlineMs) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Probes until `refused` holds (15 s at most) and answers how long after `since` the last
 * probe that was still accepted had started: a credential stopped within N ms of `since`
 * when no probe started later than that was accepted. Load on the machine then lengthens
 * the wait, never the figure.
 */
async function lastAcceptedAfter(since: number, refused: () => Promise<boolean>): Promise<number> {
  let lastAccepted = since;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const started = Date.now();
    if (await refused()) return lastAccepted - since;
    lastAccepted = started;
    if (Date.now() > deadline) throw new Error('still accepted after 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** OTLP/JSON with one span, sent with `key`: the status of the answer. */
async function ingest(c: RunningCollector, key: string): Promise<number> {
  const ns = String(BigInt(Date.now()) * 1_000_000n);
  const res = await fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tenancy' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0123456789abcdef0123456789abcdef',
                  spanId: '0123456789abcdef',
                  name: 'rotation',
                  kind: 2,
                  startTimeUnixNano: ns,
                  endTimeUnixNano: ns,
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  await res.arrayBuffer();
  return res.status;
}

const rule = (name: string) => ({
  name,
  signal: { kind: 'latency', quantile: 0.95, model: 'tenancy-model' },
  window: '5m',
  condition: { op: '>', threshold: 2000 },
});

describe('password sign-in and sessions', () => {
  test('the instance admin signs in: cookie HttpOnly, SameSite=Lax, Path=/; /auth/me; a wrong password is 401', async () => {
    expect(adminUser).toBe('admin@localhost');
    expect(adminPassword.length).toBeGreaterThanOrEqual(24);
    const s = await login(c1, adminUser, adminPassword);
    const attrs = s.setCookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    // Plain HTTP here: Secure would make the browser drop the cookie.
    expect(attrs).not.toContain('secure');
    expect(s.body).toMatchObject({ user: { email: adminUser } });
    expect(typeof s.csrfToken).toBe('string');
    expect(s.csrfToken.length).toBeGreaterThan(10);

    const me = await call(c1, 'GET', '/api/v1/auth/me', { session: s });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { email: adminUser },
      kind: 'user',
      instanceAdmin: true,
    });
    // The session is in the shared store: the other collector knows it too.
    expect((await call(c2, 'GET', '/api/v1/auth/me', { session: s })).status).toBe(200);

    const wrong = await call(c1, 'POST', '/api/v1/auth/login', {
      body: { email: adminUser, password: `${adminPassword}x` },
    });
    expect(wrong.status).toBe(401);
    const unknown = await call(c1, 'POST', '/api/v1/auth/login', {
      body: { email: 'nobody-here@example.test', password: adminPassword },
    });
    expect(unknown.status).toBe(401);
    // The same answer: it must not tell which emails exist.
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  test('a session expires (--session-ttl 10s): it works, then answers 401', async () => {
    const started = Date.now();
    const s = await login(c2, adminUser, adminPassword);
    expect((await call(c2, 'GET', '/api/v1/auth/me', { session: s })).status).toBe(200);
    expect((await call(c2, 'GET', '/api/v1/alert-rules', { session: s })).status).toBe(200);
    await until(
      async () => (await call(c2, 'GET', '/api/v1/auth/me', { session: s })).status === 401,
      30_000,
      'the expired session answers 401',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_900);
    expect((await call(c2, 'GET', '/api/v1/alert-rules', { session: s })).status).toBe(401);
  });

  test('CSRF: a state-changing request with the cookie needs X-CSRF-Token', async () => {
    const s = await login(c1, adminUser, adminPassword);
    const path = '/api/v1/alert-rules?project=csrf';
    const none = await call(c1, 'POST', path, { session: s, csrf: null, body: rule('no csrf') });
    expect(none.status).toBe(403);
    const wrongToken = `${s.csrfToken.slice(0, -1)}${s.csrfToken.endsWith('a') ? 'b' : 'a'}`;
    const wrong = await call(c1, 'POST', path, {
      session: s,
      csrf: wrongToken,
      body: rule('wrong csrf'),
    });
    expect(wrong.status).toBe(403);
    const ok = await call(c1, 'POST', path, { session: s, body: rule('with csrf') });
    expect(ok.status).toBe(201);
    const list = await call(c1, 'GET', path, { token: c1.adminToken });
    expect(list.body.rules.map((r: { name: string }) => r.name)).toEqual(['with csrf']);
  });

  test('logout revokes the session on every collector', async () => {
    const s = await login(c1, adminUser, adminPassword);
    expect((await call(c2, 'GET', '/api/v1/auth/me', { session: s })).status).toBe(200);
    const loggedOutAt = Date.now();
    const out = await call(c1, 'POST', '/api/v1/auth/logout', { session: s });
    expect(out.status).toBe(204);
    expect((await call(c1, 'GET', '/api/v1/auth/me', { session: s })).status).toBe(401);
    const accepted = await lastAcceptedAfter(
      loggedOutAt,
      async () => (await call(c2, 'GET', '/api/v1/auth/me', { session: s })).status === 401,
    );
    expect(accepted).toBeLessThanOrEqual(10_000);
  });
});

describe('keys', () => {
  test('rotation with overlapSeconds 10: both ingest, then only the new one', async () => {
    const created = await call(c1, 'POST', '/api/v1/projects/default/keys', {
      token: c1.adminToken,
      body: { kind: 'ingest', name: 'rotating' },
    });
    expect(created.status).toBe(201);
    const old = created.body.key as string;
    expect(await ingest(c1, old)).toBe(200);
    const rotated = await call(
      c1,
      'POST',
      `/api/v1/projects/default/keys/${created.body.id}/rotate`,
      {
        token: c1.adminToken,
        body: { overlapSeconds: 10 },
      },
    );
    expect(rotated.status).toBe(201);
    const rotatedAt = Date.now();
    const fresh = rotated.body.key as string;
    expect(fresh).not.toBe(old);
    expect(rotated.body).toMatchObject({ kind: 'ingest', name: 'rotating' });
    expect(await ingest(c1, old)).toBe(200);
    expect(await ingest(c1, fresh)).toBe(200);
    expect(await ingest(c2, old)).toBe(200);
    expect(await ingest(c2, fresh)).toBe(200);
    for (const c of [c1, c2])
      await until(
        async () => (await ingest(c, old)) === 401,
        30_000,
        'the old key stops after the overlap',
      );
    // Not before its overlap was over.
    expect(Date.now() - rotatedAt).toBeGreaterThanOrEqual(9_500);
    expect(await ingest(c1, fresh)).toBe(200);
    expect(await ingest(c2, fresh)).toBe(200);
  });

  test('an ingest key writes only into its own project, whatever the telemetry claims; read and personal tokens cannot ingest', async () => {
    for (const id of ['ingest-a', 'ingest-b'])
      expect(
        (
          await call(c1, 'POST', '/api/v1/projects', {
            token: c1.adminToken,
            body: { id, name: id },
          })
        ).status,
      ).toBe(201);
    const keyOf = async (project: string, kind: 'ingest' | 'read') =>
      (
        await call(c1, 'POST', `/api/v1/projects/${project}/keys`, {
          token: c1.adminToken,
          body: { kind, name: `${kind} of ${project}` },
        })
      ).body.key as string;
    const ingestA = await keyOf('ingest-a', 'ingest');
    const readA = await keyOf('ingest-a', 'read');
    const ns = String(BigInt(Date.now()) * 1_000_000n);
    // The resource names project B in every way a client might try: none of them counts.
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'ingest-isolation' } },
              { key: 'aiobs.project', value: { stringValue: 'ingest-b' } },
              { key: 'project', value: { stringValue: 'ingest-b' } },
            ],
          },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'abcdefabcdefabcdefabcdefabcdef01',
                  spanId: 'abcdefabcdef0001',
                  name: 'isolation',
                  kind: 2,
                  startTimeUnixNano: ns,
                  endTimeUnixNano: ns,
                },
              ],
            },
          ],
        },
      ],
    });
    const send = (key: string, query = '') =>
      fetch(`${c1.url}/v1/traces${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    expect(await send(ingestA, '?project=ingest-b')).toBe(200);
    expect(await send(readA)).toBe(403);
    const count = async (project: string) =>
      Number(
        (
          await call(c1, 'POST', '/api/v1/query', {
            token: c1.adminToken,
            body: {
              sql: "SELECT count() AS n FROM otel_traces WHERE ServiceName = 'ingest-isolation' AND ProjectId = {project:String}",
              project,
            },
          })
        ).body.rows[0].n,
      );
    expect(await count('ingest-a')).toBe(1);
    expect(await count('ingest-b')).toBe(0);
  });

  test('a revoked read token stops on both collectors within 10 s of the DELETE', async () => {
    const created = await call(c1, 'POST', '/api/v1/projects/default/keys', {
      token: c1.adminToken,
      body: { kind: 'read', name: 'revoked soon' },
    });
    expect(created.status).toBe(201);
    const token = created.body.key as string;
    const read = (c: RunningCollector) => call(c, 'GET', '/api/v1/services', { token });
    // Both collectors have it cached as valid before the revocation.
    expect((await read(c1)).status).toBe(200);
    expect((await read(c2)).status).toBe(200);
    const revokeStarted = Date.now();
    const del = await call(c1, 'DELETE', `/api/v1/projects/default/keys/${created.body.id}`, {
      token: c1.adminToken,
    });
    expect(del.status).toBe(204);
    const accepted = await Promise.all(
      [c1, c2].map((c) =>
        lastAcceptedAfter(revokeStarted, async () => (await read(c)).status === 401),
      ),
    );
    // No request started more than 10 s after the DELETE was accepted, on either collector.
    for (const ms of accepted) expect(ms).toBeLessThanOrEqual(10_000);
  });
});

describe('roles', () => {
  const password = 'correct horse battery staple 11';
  const sessions: Record<'owner' | 'editor' | 'viewer' | 'outsider', Session> = {} as never;

  beforeAll(async () => {
    const admin = { token: c1.adminToken };
    const project = await call(c1, 'POST', '/api/v1/projects', {
      ...admin,
      body: { id: 'team', name: 'Team' },
    });
    if (project.status !== 201) throw new Error(`project: ${JSON.stringify(project.body)}`);
    for (const role of ['owner', 'editor', 'viewer', 'outsider'] as const) {
      const email = `${role}@team.example`;
      const user = await call(c1, 'POST', '/api/v1/users', {
        ...admin,
        body: { email, name: role, password },
      });
      if (user.status !== 201) throw new Error(`user ${role}: ${JSON.stringify(user.body)}`);
      if (role !== 'outsider') {
        const member = await call(c1, 'POST', '/api/v1/projects/team/members', {
          ...admin,
          body: { email, role },
        });
        if (member.status !== 201)
          throw new Error(`member ${role}: ${JSON.stringify(member.body)}`);
      }
      sessions[role] = await login(c1, email, password);
    }
  });

  test('viewer reads but cannot create a rule; editor can; only the owner lists keys; outsiders get 404', async () => {
    const rules = '/api/v1/alert-rules?project=team';
    const keys = '/api/v1/projects/team/keys';
    expect((await call(c1, 'GET', rules, { session: sessions.viewer })).status).toBe(200);
    const viewerPost = await call(c1, 'POST', rules, {
      session: sessions.viewer,
      body: rule('viewer'),
    });
    expect(viewerPost.status).toBe(403);
    // Replaying a draft reads and stores nothing: a viewer may preview, an outsider may not.
    const now = Date.now();
    const preview = `/api/v1/alert-rules/preview?project=team&from=${now - 600_000}&to=${now}`;
    const viewerPreview = await call(c1, 'POST', preview, {
      session: sessions.viewer,
      body: rule('viewer draft'),
    });
    expect(viewerPreview.status, JSON.stringify(viewerPreview.body)).toBe(200);
    expect(Array.isArray(viewerPreview.body.points)).toBe(true);
    expect(
      (await call(c1, 'POST', preview, { session: sessions.outsider, body: rule('x') })).status,
    ).toBe(404);
    const editorPost = await call(c1, 'POST', rules, {
      session: sessions.editor,
      body: rule('editor'),
    });
    expect(editorPost.status).toBe(201);
    expect(editorPost.body.project).toBe('team');

    expect((await call(c1, 'GET', keys, { session: sessions.viewer })).status).toBe(403);
    expect((await call(c1, 'GET', keys, { session: sessions.editor })).status).toBe(403);
    expect((await call(c1, 'GET', keys, { session: sessions.owner })).status).toBe(200);

    const outsider = await call(c1, 'GET', rules, { session: sessions.outsider });
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('not_found');
    expect((await call(c1, 'GET', keys, { session: sessions.outsider })).status).toBe(404);
    // Nor `default`, which no one made them a member of.
    expect(
      (await call(c1, 'GET', '/api/v1/alert-rules', { session: sessions.outsider })).status,
    ).toBe(404);
    // What each may see of the rules: the editor's one, not the viewer's refused one.
    const seen = await call(c1, 'GET', rules, { session: sessions.viewer });
    expect(seen.body.rules.map((r: { name: string }) => r.name)).toEqual(['editor']);
  });

  test('a read token works over HTTP Basic (the password; any user name) on GET routes only', async () => {
    const created = await call(c1, 'POST', '/api/v1/projects/team/keys', {
      session: sessions.owner,
      body: { kind: 'read', name: 'grafana' },
    });
    expect(created.status).toBe(201);
    const basic = {
      authorization: `Basic ${Buffer.from(`grafana:${created.body.key}`).toString('base64')}`,
    };
    const get = await call(c1, 'GET', '/api/v1/alert-rules?project=team', { headers: basic });
    expect(get.status).toBe(200);
    expect(get.body.rules.map((r: { name: string }) => r.name)).toEqual(['editor']);
    expect(
      (await call(c1, 'GET', '/api/v1/services?project=team', { headers: basic })).status,
    ).toBe(200);
    // Read-only: a write is refused; another project does not exist for it.
    const post = await call(c1, 'POST', '/api/v1/alert-rules?project=team', {
      headers: basic,
      body: rule('by a read token'),
    });
    expect(post.status).toBe(403);
    // A preview is a read: a read token may replay a draft.
    const now = Date.now();
    const preview = await call(
      c1,
      'POST',
      `/api/v1/alert-rules/preview?project=team&from=${now - 600_000}&to=${now}`,
      { headers: basic, body: rule('a draft by a read token') },
    );
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect((await call(c1, 'GET', '/api/v1/alert-rules', { headers: basic })).status).toBe(404);
    const wrong = {
      authorization: `Basic ${Buffer.from(`grafana:${created.body.key}x`).toString('base64')}`,
    };
    expect(
      (await call(c1, 'GET', '/api/v1/alert-rules?project=team', { headers: wrong })).status,
    ).toBe(401);
  });

  test('the admin token still works for every project', async () => {
    for (const project of ['default', 'team', 'csrf']) {
      const list = await call(c1, 'GET', `/api/v1/alert-rules?project=${project}`, {
        token: c1.adminToken,
      });
      expect(list.status, project).toBe(200);
    }
    const created = await call(c1, 'POST', '/api/v1/alert-rules?project=team', {
      token: c1.adminToken,
      body: rule('by the admin token'),
    });
    expect(created.status).toBe(201);
    expect(
      (await call(c2, 'GET', '/api/v1/services?project=team', { token: c2.adminToken })).status,
    ).toBe(200);
    const projects = await call(c1, 'GET', '/api/v1/projects', { token: c1.adminToken });
    expect(projects.status).toBe(200);
    const ids = projects.body.projects.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['default', 'team']));
    const me = await call(c1, 'GET', '/api/v1/auth/me', { token: c1.adminToken });
    expect(me.body).toMatchObject({ kind: 'admin', instanceAdmin: true });
  });
});

// Last: the failures it makes would count against later sign-ins from this address.
describe('sign-in rate limit', () => {
  test('repeated failures for one email: 429 with Retry-After; other emails still sign in', async () => {
    const attempt = () =>
      call(c1, 'POST', '/api/v1/auth/login', {
        body: { email: 'guessed@example.test', password: 'not the password at all' },
      });
    const first = await attempt();
    expect(first.status).toBe(401);
    let limited: Answer | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const a = await attempt();
      if (a.status === 429) limited = a;
      else expect(a.status).toBe(401);
    }
    expect(limited, 'no 429 after 21 failed sign-ins').toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await attempt()).status).toBe(429);
    await login(c1, adminUser, adminPassword);
  });
});
