import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Grant } from '../auth/access.js';
import { type Authenticator, credentialFrom, type Principal } from '../auth/authenticator.js';
import { clientAddress } from '../auth/client-address.js';
import {
  CSRF_HEADER,
  csrfMatches,
  SESSION_COOKIE,
  type SessionStore,
} from '../auth/session-store.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

/** Hono variables set by the collector's middleware. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
    /** What the principal may reach (set by `projectScope` on API routes). */
    grant?: Grant;
    /** The project the request acts in, once `projectScope` allowed it. */
    project?: string;
  };
}

/** Which door a route is: telemetry ingest, or the API. */
export type AuthDoor = 'ingest' | 'api';

/**
 * Requires a credential for `door`: ingest routes take an ingest key (or the admin token,
 * and the per-key ingest rate applies); API routes take the admin token, a read-only token,
 * a personal token, or a session (which project they may use is `projectScope`'s business).
 * Failed attempts are counted per client address (429 + `Retry-After` past the limit). With
 * `sessions`, a request without a token may instead carry the dashboard's session cookie;
 * state-changing methods then also need the session's CSRF token in `X-CSRF-Token`.
 */
export function requireAuth(
  authenticator: Authenticator,
  door: AuthDoor,
  sessions?: Pick<SessionStore, 'get'>,
) {
  return createMiddleware<AppEnv>(async function requireAuthMiddleware(c, next) {
    const token = credentialFrom(c.req.raw.headers);
    if (!token && sessions) {
      const session = await sessions.get(getCookie(c, SESSION_COOKIE));
      if (session) {
        const safe = c.req.method === 'GET' || c.req.method === 'HEAD';
        if (!safe && !csrfMatches(session, c.req.header(CSRF_HEADER)))
          throw new ForbiddenError('missing or wrong X-CSRF-Token for this session');
        c.set('principal', session.principal);
        return next();
      }
    }
    if (!token)
      throw new UnauthorizedError('missing credentials: send Authorization: Bearer <key>');
    const address = clientAddress(
      socketAddress(c),
      c.req.header('x-forwarded-for'),
      authenticator.trustProxy,
    );
    const principal = await authenticator.authenticate(token, {
      address,
      ingest: door === 'ingest',
    });
    if (!principal) throw new UnauthorizedError('invalid credentials');
    if (door === 'api' && principal.kind === 'ingest')
      throw new UnauthorizedError(
        'this route needs an API credential; ingest keys can only write telemetry',
      );
    if (door === 'ingest' && principal.kind !== 'ingest' && principal.kind !== 'admin')
      throw new ForbiddenError('this credential cannot write telemetry: send a project ingest key');
    c.set('principal', principal);
    await next();
  });
}

/** The peer address of the request's socket; undefined without one (`app.request` in tests). */
function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
