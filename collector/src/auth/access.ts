import type { Principal, Role } from './principal.js';
import { roleAtLeast } from './principal.js';

/**
 * Who may do what in which project: pure rules over a principal and its grant. The grant is
 * looked up (and cached) by {@link AccessCache}; the middleware turns the answers into 404
 * (no access: a project the caller may not read does not exist for them) and 403.
 */

/** What a principal may reach, resolved from its kind, user and memberships. */
export interface Grant {
  /** The instance admin: every project, every role. */
  readonly instanceAdmin: boolean;
  /** Role per project id (a read token: its project as viewer). */
  readonly roles: ReadonlyMap<string, Role>;
  /** Only reads (GET/HEAD), whatever the role: read-only tokens. */
  readonly readOnly: boolean;
}

/** The user facts a grant needs. */
export interface UserFacts {
  readonly instanceAdmin: boolean;
  readonly disabled: boolean;
}

/** Nothing at all: ingest keys reach no API project. */
const NONE: Grant = { instanceAdmin: false, roles: new Map(), readOnly: true };

/**
 * The grant of `principal`. `user` and `roles` are the user's facts and memberships (kind
 * 'user' only); undefined when the user is unknown or disabled, which the caller answers 401.
 */
export function grantFor(
  principal: Principal,
  user?: UserFacts,
  roles?: ReadonlyMap<string, Role>,
): Grant | undefined {
  switch (principal.kind) {
    case 'admin':
      return { instanceAdmin: true, roles: new Map(), readOnly: false };
    case 'read':
      return {
        instanceAdmin: false,
        roles: new Map([[principal.projectId, 'viewer']]),
        readOnly: true,
      };
    case 'ingest':
      return NONE;
    case 'user':
      if (!user || user.disabled) return undefined;
      return { instanceAdmin: user.instanceAdmin, roles: roles ?? new Map(), readOnly: false };
  }
}

/** The role `grant` holds in `project` (the instance admin holds 'owner' everywhere). */
export function roleIn(grant: Grant, project: string): Role | undefined {
  return grant.instanceAdmin ? 'owner' : grant.roles.get(project);
}

/**
 * Routes (below `/api/v1`) that take a POST but change nothing: read-only SQL and a rule's
 * preview (a draft replayed over past data, too large for a query string). They are reads.
 */
export const READ_ONLY_POSTS: readonly string[] = ['/query', '/alert-rules/preview'];

/** Whether a request by `method` to `route` (below `/api/v1`) only reads. */
export function isRead(method: string, route?: string): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  return method === 'POST' && route !== undefined && READ_ONLY_POSTS.includes(route);
}

/** The role a request needs: reads need a viewer, anything else an editor. */
export function neededFor(method: string, route?: string): Role {
  return isRead(method, route) ? 'viewer' : 'editor';
}

/** Why a request is refused, or undefined when it may go on. */
export type Refusal = 'not_found' | 'forbidden';

/**
 * Whether `grant` may act with `needed` in `project`: 'not_found' when it cannot read the
 * project at all (so the answer never tells another project's existence), 'forbidden' when it
 * can read but not do this.
 */
export function refusal(
  grant: Grant,
  project: string,
  needed: Role,
  method: string,
  route?: string,
): Refusal | undefined {
  const role = roleIn(grant, project);
  if (!role) return 'not_found';
  if (grant.readOnly && !isRead(method, route)) return 'forbidden';
  return roleAtLeast(role, needed) ? undefined : 'forbidden';
}
