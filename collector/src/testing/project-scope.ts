import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../middleware/auth.js';
import { parseProject } from '../query/params.js';

/**
 * For module tests that mount routes without authentication: acts in the `?project=` the
 * request names, as `projectScope` does once the caller may use it (who may is tested by the
 * access tests and the isolation walk, not here).
 */
export function trustedProjectScope() {
  return createMiddleware<AppEnv>(async function trustedProjectScopeMiddleware(c, next) {
    c.set('project', parseProject(c.req.query('project')));
    await next();
  });
}
