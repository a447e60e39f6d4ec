import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Authenticator } from '../auth/authenticator.js';
import { clientAddress } from '../auth/client-address.js';
import { SESSION_COOKIE, SessionStore } from '../auth/session-store.js';
import { BadRequestError, UnauthorizedError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';

/** Options of {@link authRoutes}. */
export interface AuthRoutesOptions {
  authenticator: Authenticator;
  /** The collector speaks TLS: the cookie is `Secure`. */
  tls: boolean;
  sessions?: SessionStore;
}

/**
 * Dashboard sign-in: `POST /login` `{"token"}` exchanges the admin token for an HttpOnly,
 * SameSite=Lax session cookie and answers the CSRF token the page must send on state-changing
 * requests; `POST /logout`; `GET /session`. Failed sign-ins count against the caller's
 * address in the authenticator's failed-attempt limiter (429 past it), like bad API tokens.
 *
 * @example
 * const auth = authRoutes({ authenticator, tls: false });
 * app.route('/api/v1/auth', auth.routes);
 * api.use('*', requireAuth(authenticator, 'admin', auth.sessions));
 */
export function authRoutes({
  authenticator,
  tls,
  sessions = new SessionStore(),
}: AuthRoutesOptions) {
  const routes = new Hono<AppEnv>();
  routes.use('*', bodyLimit({ maxSize: 4096 }));
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'Lax',
    secure: tls,
    path: '/',
  } as const;

  routes.post('/login', async (c) => {
    // A JSON content type cannot be sent cross-site without a CORS preflight.
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json'))
      throw new BadRequestError('send Content-Type: application/json', 'content-type');
    const body = await c.req.json().catch(() => undefined);
    const token = (body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 512)
      throw new BadRequestError('send {"token": "<admin token>"}', 'token');
    const address = clientAddress(
      peerAddress(c),
      c.req.header('x-forwarded-for'),
      authenticator.trustProxy,
    );
    const principal = await authenticator.authenticate(token, { address });
    if (principal?.kind !== 'admin')
      throw new UnauthorizedError('invalid token: sign in with the admin token');
    const { id, session } = sessions.create(principal);
    setCookie(c, SESSION_COOKIE, id, { ...cookieOptions, maxAge: sessions.maxAgeSeconds });
    c.header('Cache-Control', 'no-store');
    return c.json({
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.expiresAt).toISOString(),
    });
  });

  routes.post('/logout', (c) => {
    sessions.delete(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, cookieOptions);
    return c.body(null, 204);
  });

  routes.get('/session', (c) => {
    const session = sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) throw new UnauthorizedError('not signed in');
    c.header('Cache-Control', 'no-store');
    return c.json({
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.expiresAt).toISOString(),
    });
  });

  return { routes, sessions };
}

function peerAddress(c: Parameters<typeof getConnInfo>[0]): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
