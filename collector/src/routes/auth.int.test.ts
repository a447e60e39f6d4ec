import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../app.js';
import { Authenticator } from '../auth/authenticator.js';
import { ensureCredentials } from '../auth/bootstrap.js';
import { generateKey, generateKeyId, hashKey, keyPrefix } from '../auth/keys.js';
import { type Config, loadConfig } from '../config.js';
import { Ingestor } from '../ingest/ingestor.js';
import { createUsersRepo } from '../projects/users-repo.js';
import { createAuthRepo } from '../storage/auth-repo.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';

// Sign-in, /me, personal tokens, password changes and the users API through the collector's
// real app on the real engine (requests without a socket: `app.request`).

const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const ADMIN_TOKEN = 'admin-token-for-auth-int';
let dir: string;
let engine: Engine;
let config: Config;
let app: ReturnType<typeof createApp>;
let adminPassword: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-auth-routes-'));
  config = loadConfig(
    { dataDir: dir, adminToken: ADMIN_TOKEN, apiKey: 'ingest-key-for-auth-int' },
    {},
  );
  engine = await openEngine(config);
  await migrate(engine, { retentionDays: 1, fsync: false }, log);
  const repo = createAuthRepo(engine);
  const printed: string[] = [];
  const out = { interactive: false, write: (t: string) => printed.push(t) };
  const known = await ensureCredentials(config, repo, log, out, createUsersRepo(engine));
  expect(printed).toEqual([]);
  adminPassword = known.adminPassword!;
  const authenticator = new Authenticator(repo, config);
  app = createApp({
    config,
    engine,
    ingestor: new Ingestor(engine, config, log),
    authenticator,
    log,
  });
});
afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Browser {
  cookie: string;
  csrf: string;
}

function call(
  method: string,
  path: string,
  opts: { body?: unknown; as?: Browser | string; csrf?: boolean } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (typeof opts.as === 'string') headers.authorization = `Bearer ${opts.as}`;
  else if (opts.as) {
    headers.cookie = opts.as.cookie;
    if (opts.csrf !== false) headers['x-csrf-token'] = opts.as.csrf;
  }
  return Promise.resolve(
    app.request(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    }),
  );
}

async function json<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function signIn(body: Record<string, string>): Promise<Browser & { body: LoginBody }> {
  const res = await call('POST', '/api/v1/auth/login', { body });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const parsed = await json<LoginBody>(res, 200);
  return { cookie: setCookie.split(';')[0]!, csrf: parsed.csrfToken, body: parsed };
}

interface LoginBody {
  csrfToken: string;
  expiresAt: string;
  user: { id: string; email: string; instanceAdmin: boolean } | null;
}

let serial = 0;
/** A new user made by the instance admin (through the API), and its password. */
async function newUser(admin: Browser | string, instanceAdmin = false) {
  const email = `user${++serial}-${process.pid}@example.com`;
  const password = `password-${serial}-long-enough`;
  const created = await json<{ id: string }>(
    await call('POST', '/api/v1/users', {
      as: admin,
      body: { email, name: `User ${serial}`, password, instanceAdmin },
    }),
    201,
  );
  return { id: created.id, email, password };
}

describe('first start', () => {
  test('creates admin@localhost with a random password, written to credentials.json (0600)', async () => {
    expect(adminPassword.length).toBeGreaterThanOrEqual(24);
    const path = join(dir, 'credentials.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
    expect(file.adminUser).toBe('admin@localhost');
    expect(file.adminPassword).toBe(adminPassword);
    expect(file.adminToken).toBe(ADMIN_TOKEN);
    // A restart creates no second admin user.
    const users = createUsersRepo(engine);
    const again = await ensureCredentials(
      config,
      createAuthRepo(engine),
      log,
      { interactive: true, write: () => {} },
      users,
    );
    expect(again.adminPassword).toBeUndefined();
    expect((await users.list()).filter((u) => u.instanceAdmin)).toHaveLength(1);
  });
});

describe('password sign-in', () => {
  test('the admin user signs in; the cookie reads /me, writes need the CSRF token', async () => {
    const admin = await signIn({ email: 'Admin@LocalHost', password: adminPassword });
    expect(admin.cookie).toMatch(/^aiobs_session=[\w-]{43}$/);
    expect(admin.body.user).toMatchObject({ email: 'admin@localhost', instanceAdmin: true });
    const me = await json(await call('GET', '/api/v1/auth/me', { as: admin }), 200);
    expect(me).toMatchObject({ kind: 'user', instanceAdmin: true });
    expect(me.projects).toContainEqual({ id: 'default', name: 'Default project', role: 'owner' });
    const noCsrf = await call('POST', '/api/v1/users', {
      as: admin,
      csrf: false,
      body: { email: 'x@example.com', name: 'X', password: 'long enough password' },
    });
    expect(noCsrf.status).toBe(403);
  });

  test('wrong password and unknown email get the same 401; a bad body a 400 naming the field', async () => {
    const wrong = await call('POST', '/api/v1/auth/login', {
      body: { email: 'admin@localhost', password: 'not the password' },
    });
    const unknown = await call('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.com', password: 'not the password' },
    });
    const a = await json<{ error: unknown }>(wrong, 401);
    const b = await json<{ error: unknown }>(unknown, 401);
    expect(a).toEqual(b);
    expect(a.error).toEqual({ code: 'unauthorized', message: 'wrong email or password' });
    const noPassword = await call('POST', '/api/v1/auth/login', { body: { email: 'a@b.c' } });
    expect((await json<{ error: { field: string } }>(noPassword, 400)).error.field).toBe(
      'password',
    );
    const badEmail = await call('POST', '/api/v1/auth/login', {
      body: { email: 'not an email', password: 'x' },
    });
    expect((await json<{ error: { field: string } }>(badEmail, 400)).error.field).toBe('email');
  });

  test('five failures for one email, then 429 with Retry-After, even with the right password', async () => {
    const user = await newUser(ADMIN_TOKEN);
    for (let i = 0; i < 5; i++)
      expect(
        (
          await call('POST', '/api/v1/auth/login', {
            body: { email: user.email, password: 'wrong!' },
          })
        ).status,
      ).toBe(401);
    const limited = await call('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  test('sign-out revokes the session', async () => {
    const admin = await signIn({ email: 'admin@localhost', password: adminPassword });
    expect((await call('POST', '/api/v1/auth/logout', { as: admin })).status).toBe(204);
    expect((await call('GET', '/api/v1/auth/me', { as: admin })).status).toBe(401);
    expect((await call('GET', '/api/v1/auth/session', { as: admin })).status).toBe(401);
  });
});

describe('the signed-in hint cookie', () => {
  // The dashboard's boot script reads it to send a page's first calls beside the session
  // check; it must carry no secret, and the session cookie must stay out of scripts' reach.
  const cookies = (res: Response) =>
    new Map(
      res.headers.getSetCookie().map((line) => {
        const [pair, ...attrs] = line.split(';').map((p) => p.trim());
        const eq = pair!.indexOf('=');
        return [pair!.slice(0, eq), { value: pair!.slice(eq + 1), attrs }] as const;
      }),
    );

  test('sign-in sets it beside the HttpOnly session; sign-out and a refused session check clear it', async () => {
    const res = await call('POST', '/api/v1/auth/login', { body: { token: ADMIN_TOKEN } });
    expect(res.status).toBe(200);
    const set = cookies(res);
    const session = set.get('aiobs_session')!;
    const hint = set.get('aiobs_signed_in')!;
    expect(session.attrs).toContain('HttpOnly');
    expect(hint.value).toBe('1');
    expect(hint.attrs).not.toContain('HttpOnly');
    expect(hint.attrs).toContain('Path=/');
    expect(hint.attrs.find((a) => a.startsWith('Max-Age='))).toBe(
      session.attrs.find((a) => a.startsWith('Max-Age=')),
    );
    const browser = { cookie: `aiobs_session=${session.value}`, csrf: '' };
    // A session without the hint (started before it existed) gets it from the check;
    // one with it is not sent it again.
    const check = await call('GET', '/api/v1/auth/session', { as: browser });
    expect(check.status).toBe(200);
    expect(cookies(check).get('aiobs_signed_in')?.value).toBe('1');
    const hinted = { cookie: `${browser.cookie}; aiobs_signed_in=1`, csrf: '' };
    const again = await call('GET', '/api/v1/auth/session', { as: hinted });
    expect(cookies(again).size).toBe(0);
    const out = await call('POST', '/api/v1/auth/logout', { as: browser, csrf: false });
    expect(out.status).toBe(204);
    expect(cookies(out).get('aiobs_signed_in')?.attrs).toContain('Max-Age=0');

    // A hint left by a session that ended: the 401 clears it; without one, nothing is set.
    const stale = await call('GET', '/api/v1/auth/session', {
      as: { cookie: `aiobs_session=${session.value}; aiobs_signed_in=1`, csrf: '' },
    });
    expect(stale.status).toBe(401);
    expect(cookies(stale).get('aiobs_signed_in')?.attrs).toContain('Max-Age=0');
    const none = await call('GET', '/api/v1/auth/session');
    expect(none.status).toBe(401);
    expect(cookies(none).size).toBe(0);
  });

  test('a user who cannot read the default project gets no hint, and loses a stale one', async () => {
    // Its early calls would be for the default project, and refused.
    const user = await newUser(ADMIN_TOKEN);
    const res = await call('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(res.status).toBe(200);
    const set = cookies(res);
    expect(set.get('aiobs_session')).toBeDefined();
    expect(set.has('aiobs_signed_in')).toBe(false);
    const stale = await call('GET', '/api/v1/auth/session', {
      as: {
        cookie: `aiobs_session=${set.get('aiobs_session')!.value}; aiobs_signed_in=1`,
        csrf: '',
      },
    });
    expect(stale.status).toBe(200);
    expect(cookies(stale).get('aiobs_signed_in')?.attrs).toContain('Max-Age=0');
  });
});

describe('token sign-in', () => {
  test('the admin token and a read token sign in (a personal token below); an ingest key does not', async () => {
    const admin = await signIn({ token: ADMIN_TOKEN });
    expect(admin.body.user).toBeNull();
    const me = await json(await call('GET', '/api/v1/auth/me', { as: admin }), 200);
    expect(me).toMatchObject({ user: null, kind: 'admin', instanceAdmin: true });

    const read = generateKey('read');
    await createAuthRepo(engine).insertKey({
      hash: hashKey(read),
      id: generateKeyId(),
      prefix: keyPrefix(read),
      projectId: 'default',
      kind: 'read',
      name: 'grafana',
    });
    const reader = await signIn({ token: read });
    const readMe = await json(await call('GET', '/api/v1/auth/me', { as: reader }), 200);
    expect(readMe).toEqual({
      user: null,
      kind: 'read',
      instanceAdmin: false,
      projects: [{ id: 'default', name: 'Default project', role: 'viewer' }],
    });
    const ingest = await call('POST', '/api/v1/auth/login', {
      body: { token: 'ingest-key-for-auth-int' },
    });
    expect(ingest.status).toBe(401);
  });
});

describe('personal tokens', () => {
  test('a user makes, lists, uses and deletes their own tokens; others cannot', async () => {
    const alice = await newUser(ADMIN_TOKEN);
    const bob = await newUser(ADMIN_TOKEN);
    const a = await signIn({ email: alice.email, password: alice.password });
    const b = await signIn({ email: bob.email, password: bob.password });
    const made = await json<{ id: string; prefix: string; token: string; expiresAt: null }>(
      await call('POST', '/api/v1/auth/tokens', { as: a, body: { name: 'laptop' } }),
      201,
    );
    expect(made.token).toMatch(/^aiobs_pt_/);
    expect(made.prefix).toBe(made.token.slice(0, 12));
    expect(made.expiresAt).toBeNull();
    const listed = await json<{ tokens: Record<string, unknown>[] }>(
      await call('GET', '/api/v1/auth/tokens', { as: a }),
      200,
    );
    expect(listed.tokens).toEqual([
      {
        id: made.id,
        prefix: made.prefix,
        name: 'laptop',
        createdAt: expect.any(String),
        expiresAt: null,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(made.token);
    // The token acts as alice.
    const me = await json<{ user: { id: string }; kind: string }>(
      await call('GET', '/api/v1/auth/me', { as: made.token }),
      200,
    );
    expect(me.kind).toBe('user');
    expect(me.user.id).toBe(alice.id);
    // It also signs the dashboard in, as alice.
    const byToken = await signIn({ token: made.token });
    expect(byToken.body.user?.id).toBe(alice.id);
    // Bob neither sees nor deletes it; the admin token has no personal tokens.
    expect(
      (await json<{ tokens: unknown[] }>(await call('GET', '/api/v1/auth/tokens', { as: b }), 200))
        .tokens,
    ).toEqual([]);
    expect((await call('DELETE', `/api/v1/auth/tokens/${made.id}`, { as: b })).status).toBe(404);
    expect((await call('GET', '/api/v1/auth/tokens', { as: ADMIN_TOKEN })).status).toBe(403);
    // An expiry in the past is refused; one in the future is kept.
    const past = await call('POST', '/api/v1/auth/tokens', {
      as: a,
      body: { name: 'old', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect((await json<{ error: { field: string } }>(past, 400)).error.field).toBe('expiresAt');
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const expiring = await json<{ expiresAt: string }>(
      await call('POST', '/api/v1/auth/tokens', { as: a, body: { name: 'ci', expiresAt: later } }),
      201,
    );
    expect(expiring.expiresAt).toBe(later);
    expect((await call('DELETE', `/api/v1/auth/tokens/${made.id}`, { as: a })).status).toBe(204);
    expect((await call('GET', '/api/v1/auth/me', { as: made.token })).status).toBe(401);
    // The dashboard session signed in with the token ends with it; alice's own one does not.
    expect((await call('GET', '/api/v1/auth/me', { as: byToken })).status).toBe(401);
    expect((await call('GET', '/api/v1/auth/me', { as: a })).status).toBe(200);
  });
});

describe('users API and password changes', () => {
  test('only the instance admin manages users; a taken email is 409, a short password 400', async () => {
    const plain = await newUser(ADMIN_TOKEN);
    const session = await signIn({ email: plain.email, password: plain.password });
    expect((await call('GET', '/api/v1/users', { as: session })).status).toBe(403);
    const me = await json(await call('GET', '/api/v1/auth/me', { as: session }), 200);
    expect(me).toMatchObject({ instanceAdmin: false, projects: [] });
    const taken = await call('POST', '/api/v1/users', {
      as: ADMIN_TOKEN,
      body: { email: plain.email.toUpperCase(), name: 'Again', password: 'long enough password' },
    });
    expect(taken.status).toBe(409);
    const short = await call('POST', '/api/v1/users', {
      as: ADMIN_TOKEN,
      body: { email: 'short@example.com', name: 'Short', password: 'short' },
    });
    expect((await json<{ error: { field: string } }>(short, 400)).error.field).toBe('password');
    const list = await json<{ users: { email: string }[] }>(
      await call('GET', '/api/v1/users', { as: ADMIN_TOKEN }),
      200,
    );
    expect(list.users.map((u) => u.email)).toContain(plain.email);
    expect(JSON.stringify(list)).not.toContain('scrypt');
  });

  test('disabling a user ends their sessions and tokens at once', async () => {
    const user = await newUser(ADMIN_TOKEN);
    const session = await signIn({ email: user.email, password: user.password });
    const { token } = await json<{ token: string }>(
      await call('POST', '/api/v1/auth/tokens', { as: session, body: { name: 't' } }),
      201,
    );
    expect((await call('GET', '/api/v1/auth/me', { as: token })).status).toBe(200);
    const patched = await call('PATCH', `/api/v1/users/${user.id}`, {
      as: ADMIN_TOKEN,
      body: { disabled: true },
    });
    expect((await json<{ disabled: boolean }>(patched, 200)).disabled).toBe(true);
    expect((await call('GET', '/api/v1/auth/me', { as: session })).status).toBe(401);
    expect((await call('GET', '/api/v1/auth/me', { as: token })).status).toBe(401);
    const again = await call('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(again.status).toBe(401);
    expect(
      (await call('PATCH', '/api/v1/users/no-such-user', { as: ADMIN_TOKEN, body: { name: 'x' } }))
        .status,
    ).toBe(404);
  });

  test('the last instance admin user cannot be disabled', async () => {
    const users = await json<{ users: { id: string; email: string }[] }>(
      await call('GET', '/api/v1/users', { as: ADMIN_TOKEN }),
      200,
    );
    const admin = users.users.find((u) => u.email === 'admin@localhost')!;
    const res = await call('PATCH', `/api/v1/users/${admin.id}`, {
      as: ADMIN_TOKEN,
      body: { disabled: true },
    });
    expect(res.status).toBe(409);
  });

  test('a user changes their password: old sessions end, this browser gets a new one', async () => {
    const user = await newUser(ADMIN_TOKEN);
    const first = await signIn({ email: user.email, password: user.password });
    const other = await signIn({ email: user.email, password: user.password });
    const wrong = await call('POST', '/api/v1/auth/password', {
      as: first,
      body: { currentPassword: 'not it at all', newPassword: 'a brand new password' },
    });
    expect((await json<{ error: { field: string } }>(wrong, 400)).error.field).toBe(
      'currentPassword',
    );
    const weak = await call('POST', '/api/v1/auth/password', {
      as: first,
      body: { currentPassword: user.password, newPassword: 'short' },
    });
    expect((await json<{ error: { field: string } }>(weak, 400)).error.field).toBe('newPassword');
    const res = await call('POST', '/api/v1/auth/password', {
      as: first,
      body: { currentPassword: user.password, newPassword: 'a brand new password' },
    });
    const fresh = await json<{ csrfToken: string }>(res, 200);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await call('GET', '/api/v1/auth/me', { as: first })).status).toBe(401);
    expect((await call('GET', '/api/v1/auth/me', { as: other })).status).toBe(401);
    expect(
      (await call('GET', '/api/v1/auth/me', { as: { cookie, csrf: fresh.csrfToken } })).status,
    ).toBe(200);
    await signIn({ email: user.email, password: 'a brand new password' });
    const old = await call('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(old.status).toBe(401);
  });
});
