import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** Options of {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /** The server speaks TLS itself: add `Strict-Transport-Security`. */
  tls?: boolean;
}

/** Paths that answer machines (JSON, OTLP), never a page. */
function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/v1/');
}

/**
 * Security headers on every response, from `hono/secure-headers`.
 *
 * The dashboard is a Vite build whose scripts are external files, so `script-src 'self'`
 * holds with no `'unsafe-inline'`; styles allow inline because chart libraries set style
 * attributes. API and OTLP responses are data, so their policy allows nothing at all.
 * Framing is refused everywhere (`frame-ancestors 'none'` and `X-Frame-Options: DENY`, for
 * browsers that predate CSP 2), content sniffing is off and no referrer leaves the page, since
 * dashboard URLs carry trace ids and filters.
 *
 * @example
 * app.use('*', securityHeaders({ tls: config.tlsCert !== undefined }));
 */
export function securityHeaders({ tls = false }: SecurityHeadersOptions = {}): MiddlewareHandler {
  const common = {
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    xContentTypeOptions: true,
    // Sent only over TLS: over plain HTTP browsers ignore it and it would only mislead.
    strictTransportSecurity: tls ? 'max-age=31536000' : false,
    // Hono's defaults send several legacy headers (X-XSS-Protection: 0, X-Download-Options);
    // they are harmless and kept.
  } as const;
  const page = secureHeaders({
    ...common,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
  const api = secureHeaders({
    ...common,
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  });
  return function securityHeaders(c, next) {
    return isApiPath(c.req.path) ? api(c, next) : page(c, next);
  };
}
