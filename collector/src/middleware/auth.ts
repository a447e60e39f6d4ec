import { createMiddleware } from 'hono/factory';
import { type Authenticator, credentialFrom, type Principal } from '../auth/authenticator.js';
import type { KeyKind } from '../auth/keys.js';
import { UnauthorizedError } from '../errors.js';

/** Hono variables set by the collector's middleware. */
export interface AppEnv {
  Variables: { principal: Principal; requestId: string };
}

/**
 * Requires a credential of `kind`: ingest routes take an ingest key (or the admin token);
 * API routes take the admin token only.
 */
export function requireAuth(authenticator: Authenticator, kind: KeyKind) {
  return createMiddleware<AppEnv>(async function requireAuthMiddleware(c, next) {
    const token = credentialFrom(c.req.raw.headers);
    if (!token)
      throw new UnauthorizedError('missing credentials: send Authorization: Bearer <key>');
    const principal = await authenticator.resolve(token);
    if (!principal) throw new UnauthorizedError('invalid credentials');
    if (kind === 'admin' && principal.kind !== 'admin')
      throw new UnauthorizedError(
        'this route needs the admin token; ingest keys can only write telemetry',
      );
    c.set('principal', principal);
    await next();
  });
}
