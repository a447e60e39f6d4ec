import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { roleIn } from '../auth/access.js';
import type { AccessCache } from '../auth/access-cache.js';
import type { Authenticator } from '../auth/authenticator.js';
import { clientAddress } from '../auth/client-address.js';
import { generateKey, generateKeyId, hashKey, keyPrefix } from '../auth/keys.js';
import {
  checkPasswordPolicy,
  dummyPasswordHash,
  hashPassword,
  PASSWORD_MAX,
  verifyPassword,
} from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import {
  parseSessionTtl,
  SESSION_COOKIE,
  type Session,
  SessionStore,
  SIGNED_IN_COOKIE,
} from '../auth/session-store.js';
import { createSessionsRepo } from '../auth/sessions-repo.js';
import { SignInLimiter } from '../auth/sign-in-limiter.js';
import type { Config } from '../config.js';
import { BadRequestError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';
import { type AppEnv, requireAuth } from '../middleware/auth.js';
import { isoOrNull, parseExpiry, readBody } from '../projects/body.js';
import { createUsersRepo, normalizeEmail, type User } from '../projects/users-repo.js';
import { emailSchema, userJson } from '../projects/users-routes.js';
import { createAuthRepo } from '../storage/auth-repo.js';
import type { Engine } from '../storage/engine.js';

/** The project a URL without one shows (the boot script's early calls are for it). */
const DEFAULT_PROJECT = 'default';
/** Options of {@link authRoutes}. */
export interface AuthRoutesOptions {
  authenticator: Authenticator;
  /** The collector speaks TLS: the cookie is `Secure`. */
  tls: boolean;
  engine: Engine;
  /** `sessionTtl` and the failed-attempt limits (`authFailureRate`/`authFailureBurst`). */
  config: Pick<Config, 'sessionTtl' | 'authFailureRate' | 'authFailureBurst'>;
  /** Grants of principals (a disabled user cannot sign in; `/me` lists the caller's projects). */
  access: Pick<AccessCache, 'grantOf' | 'invalidate'>;
  /** Default: engine-backed sessions with `config.sessionTtl`. */
  sessions?: SessionStore;
  /** Default: 5 failed sign-ins per email, and the per-address limits of `config`. */
  limiter?: SignInLimiter;
}

const UNKNOWN = 'wrong email or password';
const LOGIN_SHAPE = 'send {"email": "...", "password": "..."} or {"token": "<token>"}';

const tokenSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  expiresAt: z.union([z.string(), z.number()]).nullable().optional(),
});
const passwordSchema = z.strictObject({
  currentPassword: z.string().max(PASSWORD_MAX),
  newPassword: z.string(),
});

/**
 * Sign-in and the caller's own account, mounted at `/api/v1/auth`:
 * - `POST /login` `{"email","password"}` (a user) or `{"token"}` (the admin token, a read
 *   token or a personal token) sets the HttpOnly, SameSite=Lax session cookie and answers the
 *   CSRF token that state-changing requests with the cookie must send. Failed password
 *   sign-ins count per address and per email (429 + `Retry-After` past the limits); failed
 *   tokens count in the authenticator's limiter, like bad API tokens.
 * - `POST /logout`, `GET /session`.
 * - With any API credential: `GET /me`; for users only: `POST/GET/DELETE /tokens` (personal
 *   API tokens) and `POST /password`.
 *
 * @example
 * const auth = authRoutes({ authenticator, tls: false, engine, config, access });
 * app.route('/api/v1/auth', auth.routes);
 * api.use('*', requireAuth(authenticator, 'api', auth.sessions));
 */
export function authRoutes({
  authenticator,
  tls,
  engine,
  config,
  access,
  sessions = new SessionStore(createSessionsRepo(engine), {
    ttlMs: parseSessionTtl(config.sessionTtl),
    // A token sign-in lasts no longer than its token: revoked or expired, its sessions end.
    keyLive: async (id) => (await createAuthRepo(engine).getKey(id)) !== undefined,
  }),
  limiter = new SignInLimiter({
    addressRate: config.authFailureRate,
    addressBurst: config.authFailureBurst,
  }),
}: AuthRoutesOptions) {
  const users = createUsersRepo(engine);
  const keys = createAuthRepo(engine);
  const routes = new Hono<AppEnv>();
  routes.use('*', bodyLimit({ maxSize: 4096 }));
  const cookieOptions = { httpOnly: true, sameSite: 'Lax', secure: tls, path: '/' } as const;
  const hintOptions = { ...cookieOptions, httpOnly: false } as const;
  const signedIn = requireAuth(authenticator, 'api', sessions);
  // '/tokens/*' matches '/tokens' too (Hono): listing it twice would authenticate twice.
  for (const path of ['/me', '/tokens/*', '/password']) routes.use(path, signedIn);

  /**
   * Sets or clears the signed-in hint for `principal`: only a principal who can read the
   * default project gets it, since the boot script sends that project's first calls at once.
   * `refresh` sets it anew (a new session's Max-Age) even where the browser has one.
   */
  async function hint(c: Context<AppEnv>, principal: Principal, refresh: boolean): Promise<void> {
    const grant = await access.grantOf(principal);
    const reads = grant !== undefined && roleIn(grant, DEFAULT_PROJECT) !== undefined;
    const has = getCookie(c, SIGNED_IN_COOKIE) !== undefined;
    if (reads && (refresh || !has))
      setCookie(c, SIGNED_IN_COOKIE, '1', { ...hintOptions, maxAge: sessions.maxAgeSeconds });
    if (!reads && has) deleteCookie(c, SIGNED_IN_COOKIE, hintOptions);
  }

  /** Starts a session for `principal`, sets its cookie and answers what the page needs. */
  async function startSession(c: Context<AppEnv>, principal: Principal, user: User | undefined) {
    const { id, session } = await sessions.create(principal, { userId: user?.id });
    setCookie(c, SESSION_COOKIE, id, { ...cookieOptions, maxAge: sessions.maxAgeSeconds });
    await hint(c, principal, true);
    c.header('Cache-Control', 'no-store');
    return { ...sessionJson(session), user: user ? userJson(user) : null };
  }

  routes.post('/login', async (c) => {
    // A JSON content type cannot be sent cross-site without a CORS preflight.
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json'))
      throw new BadRequestError('send Content-Type: application/json', 'content-type');
    const body = (await c.req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const address = clientAddress(
      peerAddress(c),
      c.req.header('x-forwarded-for'),
      authenticator.trustProxy,
    );
    if (body && typeof body === 'object' && body.token !== undefined) {
      const token = body.token;
      if (typeof token !== 'string' || token.length === 0 || token.length > 512)
        throw new BadRequestError('send {"token": "<token>"}', 'token');
      const principal = await authenticator.authenticate(token, { address });
      // Ingest keys only write telemetry; a disabled user's personal token signs nobody in.
      if (!principal || principal.kind === 'ingest' || !(await access.grantOf(principal)))
        throw new UnauthorizedError(
          'invalid token: sign in with the admin token, a read token or a personal token',
        );
      const user = principal.userId ? await users.findById(principal.userId) : undefined;
      return c.json(await startSession(c, principal, user));
    }
    if (
      !body ||
      typeof body !== 'object' ||
      (body.email === undefined && body.password === undefined)
    )
      throw new BadRequestError(LOGIN_SHAPE, 'token');
    const email = emailSchema.safeParse(body.email);
    if (!email.success) throw new BadRequestError(`email: ${LOGIN_SHAPE}`, 'email');
    const password = body.password;
    if (typeof password !== 'string' || password.length === 0 || password.length > PASSWORD_MAX)
      throw new BadRequestError(`password: ${LOGIN_SHAPE}`, 'password');
    const key = normalizeEmail(email.data);
    limiter.attempt(address, key);
    const found = await users.findCredentials(key);
    // An unknown email costs one hash like a wrong password: the time tells nothing.
    const matches = await verifyPassword(
      password,
      found?.passwordHash ?? (await dummyPasswordHash()),
    );
    if (!found || !matches || found.user.disabled) throw new UnauthorizedError(UNKNOWN);
    limiter.succeeded(address, key);
    const principal: Principal = { kind: 'user', projectId: 'default', userId: found.user.id };
    return c.json(await startSession(c, principal, found.user));
  });

  routes.post('/logout', async (c) => {
    await sessions.delete(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, cookieOptions);
    deleteCookie(c, SIGNED_IN_COOKIE, hintOptions);
    return c.body(null, 204);
  });

  routes.get('/session', async (c) => {
    const session = await sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) {
      // A hint left by an expired or revoked session would send the next visit's first
      // calls only to be refused.
      if (getCookie(c, SIGNED_IN_COOKIE) !== undefined)
        deleteCookie(c, SIGNED_IN_COOKIE, hintOptions);
      throw new UnauthorizedError('not signed in');
    }
    // A session started before the hint existed gets it now, for the next visit; one whose
    // access to the default project changed gets it set or cleared.
    await hint(c, session.principal, false);
    c.header('Cache-Control', 'no-store');
    return c.json(sessionJson(session));
  });

  routes.get('/me', async (c) => {
    const principal = c.get('principal');
    const grant = await access.grantOf(principal);
    if (!grant) throw new UnauthorizedError('this user is disabled or no longer exists');
    const user = principal.userId ? await users.findById(principal.userId) : undefined;
    const projects = (await keys.listProjects()).flatMap((p) => {
      const role = roleIn(grant, p.id);
      return role ? [{ id: p.id, name: p.name, role }] : [];
    });
    c.header('Cache-Control', 'no-store');
    return c.json({
      user: user ? userJson(user) : null,
      kind: principal.kind,
      instanceAdmin: grant.instanceAdmin,
      projects,
    });
  });

  routes.post('/tokens', async (c) => {
    const userId = userOf(c);
    const body = await readBody(c, tokenSchema, '{"name", "expiresAt"?}');
    const expiresAt = parseExpiry(body.expiresAt);
    const token = generateKey('personal');
    const id = generateKeyId();
    const createdAt = Date.now();
    await keys.insertKey({
      hash: hashKey(token),
      id,
      prefix: keyPrefix(token),
      projectId: 'default',
      kind: 'personal',
      name: body.name,
      userId,
      expiresAt,
      createdBy: `user:${userId}`,
    });
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        id,
        prefix: keyPrefix(token),
        name: body.name,
        token,
        createdAt: new Date(createdAt).toISOString(),
        expiresAt: isoOrNull(expiresAt),
      },
      201,
    );
  });

  routes.get('/tokens', async (c) => {
    const userId = userOf(c);
    const found = await keys.listKeys({ userId, kinds: ['personal'] });
    return c.json({
      tokens: found.map((k) => ({
        id: k.id,
        prefix: k.prefix,
        name: k.name,
        createdAt: new Date(k.createdAt).toISOString(),
        expiresAt: isoOrNull(k.expiresAt),
      })),
    });
  });

  routes.delete('/tokens/:id', async (c) => {
    const userId = userOf(c);
    const id = c.req.param('id');
    const key = await keys.getKey(id);
    // Another user's token does not exist for this caller.
    if (key?.kind !== 'personal' || key.userId !== userId)
      throw new NotFoundError(`no token "${id}"`);
    await keys.revokeKeyById(id);
    // Here at once (the token, and sessions signed in with it); elsewhere within 10 s.
    authenticator.invalidate();
    sessions.invalidate();
    return c.body(null, 204);
  });

  routes.post('/password', async (c) => {
    const userId = userOf(c);
    const body = await readBody(c, passwordSchema, '{"currentPassword", "newPassword"}');
    const user = await users.findById(userId);
    if (!user) throw new UnauthorizedError('this user no longer exists');
    const address = clientAddress(
      peerAddress(c),
      c.req.header('x-forwarded-for'),
      authenticator.trustProxy,
    );
    // A stolen session must not guess the password any faster than the sign-in page.
    limiter.attempt(address, user.email);
    const found = await users.findCredentials(user.email);
    if (!found || !(await verifyPassword(body.currentPassword, found.passwordHash)))
      throw new BadRequestError('currentPassword is wrong', 'currentPassword');
    limiter.succeeded(address, user.email);
    const next = checkPasswordPolicy(body.newPassword, 'newPassword');
    await users.update(userId, { passwordHash: await hashPassword(next) });
    // Every session of the user ends, on every collector; this browser gets a fresh one.
    await sessions.revokeUser(userId);
    access.invalidate(userId);
    if (!getCookie(c, SESSION_COOKIE)) return c.body(null, 204);
    return c.json(await startSession(c, c.get('principal'), user));
  });

  return { routes, sessions };
}

/** The signed-in user's id; 403 for other credentials (admin token, read tokens). */
function userOf(c: Context<AppEnv>): string {
  const principal = c.get('principal');
  if (principal.kind !== 'user' || !principal.userId)
    throw new ForbiddenError('only a signed-in user (or a personal token) may do this');
  return principal.userId;
}

function sessionJson(session: Session) {
  return { csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
}

function peerAddress(c: Parameters<typeof getConnInfo>[0]): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
