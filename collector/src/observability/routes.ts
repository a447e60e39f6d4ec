import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Authenticator } from '../auth/authenticator.js';
import { UnauthorizedError } from '../errors.js';
import { type AppEnv, requireAuth } from '../middleware/auth.js';
import { type CollectorMetrics, routeLabel } from './metrics.js';

/**
 * Counts every answered request by route, method and status (errors too: `app.onError`
 * has set the status by the time `next()` returns).
 */
export function countRequests(metrics: CollectorMetrics) {
  return createMiddleware(async function countRequestsMiddleware(c, next) {
    await next();
    metrics.request(routeLabel(c.req.path), c.req.method, c.res.status);
  });
}

/** Options of the `/metrics` route. */
export interface MetricsRouteOptions {
  metrics: CollectorMetrics;
  authenticator: Authenticator;
  /** `--metrics-public`: no credentials asked (the Prometheus convention, for a private port). */
  open: boolean;
}

/**
 * `GET /metrics`: the collector's self-metrics in the Prometheus text format. It asks for
 * the admin token unless `--metrics-public` is set: the port also serves OTLP to the
 * outside, and the figures tell an outsider how loaded the collector is.
 */
export function metricsRoutes({ metrics, authenticator, open }: MetricsRouteOptions) {
  const app = new Hono<AppEnv>();
  if (!open) {
    app.use('*', requireAuth(authenticator, 'api'));
    app.use('*', async function instanceAdminOnly(c, next) {
      // Instance-wide figures: not a project's to read, so only the admin token.
      if (c.get('principal').kind !== 'admin')
        throw new UnauthorizedError('/metrics needs the admin token (or --metrics-public)');
      await next();
    });
  }
  app.get('/', async function scrape(c) {
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': metrics.registry.contentType });
  });
  return app;
}
