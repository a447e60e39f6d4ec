import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Grant } from '../auth/access.js';
import { neededFor, refusal } from '../auth/access.js';
import type { AccessCache } from '../auth/access-cache.js';
import type { Role } from '../auth/principal.js';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';
import { parseProject } from '../query/params.js';
import type { AppEnv } from './auth.js';

/** Options of {@link projectScope}. */
export interface ProjectScopeOptions {
  /**
   * Path prefixes (below the API's mount) whose routes name their project otherwise (in the
   * path, or not at all) and check access themselves with {@link requireProjectRole}.
   */
  selfScoped: readonly string[];
}

/**
 * After authentication: resolves the caller's grant, reads the project the request names
 * (`?project=`, default `default`) and lets the request on only when the caller may act in
 * it: 404 when it may not read the project (another tenant's project does not exist for
 * them), 403 when it may read but not write. Routes read the project with {@link projectOf},
 * never from the query, so no route can reach a project this did not check.
 */
export function projectScope(access: AccessCache, options: ProjectScopeOptions) {
  return createMiddleware<AppEnv>(async function projectScopeMiddleware(c, next) {
    const grant = await access.grantOf(c.get('principal'));
    if (!grant) throw new UnauthorizedError('this user is disabled or no longer exists');
    c.set('grant', grant);
    const rest = c.req.path.replace(/^\/api\/v1/, '');
    if (options.selfScoped.some((p) => rest === p || rest.startsWith(`${p}/`))) return next();
    const project = parseProject(c.req.query('project'));
    check(grant, project, neededFor(c.req.method, rest), c.req.method, rest);
    c.set('project', project);
    await next();
  });
}

/**
 * For routes that name their project in the path: the caller must hold `needed` in
 * `project` (404 without any access, 403 below `needed`). Sets the request's project.
 */
export function requireProjectRole(c: Context<AppEnv>, project: string, needed: Role): void {
  check(grantOf(c), project, needed, c.req.method);
  c.set('project', project);
}

/** Refuses (403) anyone but the instance admin. */
export function requireInstanceAdmin(c: Context<AppEnv>): void {
  if (!grantOf(c).instanceAdmin) throw new ForbiddenError('only the instance admin may do this');
}

/** The caller's grant (set by {@link projectScope}). */
export function grantOf(c: Context<AppEnv>): Grant {
  const grant = c.get('grant');
  if (!grant) throw new Error('projectScope middleware did not run before this route');
  return grant;
}

/** The project the request acts in, checked by {@link projectScope}. */
export function projectOf(c: Context<AppEnv>): string {
  const project = c.get('project');
  if (project === undefined)
    throw new Error('projectScope middleware did not run before this route');
  return project;
}

function check(grant: Grant, project: string, needed: Role, method: string, route?: string): void {
  const why = refusal(grant, project, needed, method, route);
  if (why === 'not_found')
    throw new NotFoundError(`no project "${project}" that these credentials may read`);
  if (why === 'forbidden')
    throw new ForbiddenError(
      grant.readOnly
        ? 'read-only credentials: this request would change data'
        : `this needs the ${needed} role in project "${project}"`,
    );
}
