import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { READ_ONLY_POSTS } from '../auth/access.js';
import { actorOf } from '../auth/principal.js';
import type { Logger } from '../logger.js';
import type { AppEnv } from './auth.js';

/**
 * Where entries go: the projects module's audit repository (passed in by the app, so the
 * middleware does not import the module whose routes use it).
 */
export interface AuditSink {
  record(entry: {
    projectId: string;
    actor: string;
    action: string;
    target: string;
    details?: Record<string, unknown> | string;
  }): Promise<void>;
}

/** Methods that read: never audited. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The verb an action ends with, by method, when its route does not name one. */
const VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
};

/** The route path without the API's `/api/vN` mount and a trailing slash. */
function apiRoute(route: string): string {
  return route.replace(/^\/api\/v\d+/, '').replace(/\/+$/, '');
}

/**
 * Whether a route's last segment names a nested collection (`/projects/:id/keys`) rather than
 * an action on the item before it (`/channels/:id/test`): REST collections are plural nouns,
 * actions verbs. Plural here: ends in "s" but not "ss" or "us" (access, status).
 */
function isCollection(segment: string): boolean {
  return /s$/.test(segment) && !/(ss|us)$/.test(segment);
}

/**
 * The audit action of a request, from its matched route: the route's literal segments joined
 * by '.', then the verb of the method (create, update, delete), unless the route ends in a
 * literal right after a parameter that is not a nested collection: that literal names the
 * action itself (`rotate`, `test`).
 *
 * @example
 * auditAction('POST', '/api/v1/projects/:id/keys') // 'projects.keys.create'
 * auditAction('POST', '/api/v1/projects/:id/keys/:keyId/rotate') // 'projects.keys.rotate'
 * auditAction('DELETE', '/api/v1/alert-rules/:id') // 'alert-rules.delete'
 */
export function auditAction(method: string, route: string): string {
  const segments = apiRoute(route)
    .split('/')
    .filter((s) => s !== '' && s !== '*');
  const names = segments.filter((s) => !s.startsWith(':'));
  const last = segments.at(-1);
  const named =
    last !== undefined &&
    !last.startsWith(':') &&
    !isCollection(last) &&
    !!segments.at(-2)?.startsWith(':');
  if (named) return names.join('.');
  return [...names, VERBS[method.toUpperCase()] ?? method.toLowerCase()].join('.');
}

/** The names of a route's parameters, in path order (`:id{[0-9]+}` and `:id?` give `id`). */
export function routeParams(route: string): string[] {
  return route
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1).replace(/\{.*$/, '').replace(/\?$/, ''));
}

/** Targets set by handlers, for what the path does not name (the id a create made). */
const notedTargets = new WeakMap<Context, string>();

/**
 * Names the target of this request's audit entry. Without it the target is the `id` of a 201
 * answer (what a create made), else the route's last path parameter, else the request path.
 */
export function setAuditTarget(c: Context, target: string): void {
  notedTargets.set(c, target);
}

/**
 * The `id` of what a 201 created, from its JSON answer, so that the entry names the new rule
 * or channel without each route having to say so. Only the id is read; nothing else of the
 * body (a key or secret shown once) goes anywhere.
 */
async function createdId(res: Response): Promise<string | undefined> {
  if (res.status !== 201 || !(res.headers.get('content-type') ?? '').includes('json'))
    return undefined;
  try {
    const body = (await res.clone().json()) as { id?: unknown } | null;
    const id = body?.id;
    return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@link auditWrites}. */
export interface AuditWritesOptions {
  log?: Logger;
  /** Called when an entry could not be stored (a self-metric counts it). */
  onFailure?: (err: unknown) => void;
  /**
   * Routes below `/api/v1` not audited although not read by GET (default {@link READ_ONLY_POSTS}:
   * auditing them would bury the changes under reads).
   */
  readOnlyRoutes?: readonly string[];
}

/**
 * Records an audit entry for every successful (status < 400) API request that is not a read:
 * the project it acted in (`''` for instance-wide routes), {@link actorOf} the caller, the
 * {@link auditAction} of its route, its target (see {@link setAuditTarget}) and
 * `{method, path, status, keyId?}` (never a body, which may hold secrets). Mounted after `projectScope`, which sets the project. A failed
 * write is logged and counted and never fails the request, which has already happened.
 *
 * @example
 * api.use('*', projectScope(access, { selfScoped: ['/projects', '/users', '/query'] }));
 * api.use('*', auditWrites(audit, { log }));
 */
export function auditWrites(audit: AuditSink, options: AuditWritesOptions = {}) {
  const skip = new Set(options.readOnlyRoutes ?? READ_ONLY_POSTS);
  return createMiddleware<AppEnv>(async function auditWritesMiddleware(c, next) {
    await next();
    if (READS.has(c.req.method) || c.res.status >= 400) return;
    const route = routePath(c);
    if (skip.has(apiRoute(route))) return;
    const params = routeParams(route);
    const lastParam = params.length > 0 ? c.req.param(params.at(-1)!) : undefined;
    const principal = c.get('principal');
    const entry = {
      projectId: c.get('project') ?? '',
      actor: actorOf(principal),
      action: auditAction(c.req.method, route),
      target: notedTargets.get(c) ?? (await createdId(c.res)) ?? lastParam ?? c.req.path,
      details: {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ...(principal?.keyId ? { keyId: principal.keyId } : {}),
      },
    };
    try {
      await audit.record(entry);
    } catch (err) {
      options.log?.warn(
        { err, action: entry.action, project: entry.projectId },
        'audit entry lost',
      );
      options.onFailure?.(err);
    }
  });
}
