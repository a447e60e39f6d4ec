import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** Request headers a browser client of the API or OTLP receiver sends. */
const ALLOW_HEADERS = ['authorization', 'content-type', 'content-encoding', 'x-aiobs-api-key'];

/**
 * CORS for the origins in `--cors-origin`, and only for them: a request from any other origin
 * (or none) gets no `Access-Control-*` header at all, preflight included, so the browser
 * refuses it. Credentials are bearer tokens, never cookies, so `Allow-Credentials` stays off.
 *
 * @example
 * app.use('/api/v1/*', corsFor(['https://app.example.com']));
 */
export function corsFor(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  const handler = cors({
    origin: [...origins],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'],
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  return async function corsFor(c, next) {
    if (allowed.has(c.req.header('origin') ?? '')) return handler(c, next);
    await next();
    // The answer differs by Origin: shared caches must not reuse it across origins.
    c.header('Vary', 'Origin', { append: true });
  };
}
