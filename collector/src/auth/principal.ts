/**
 * Who a request authenticated as, and the roles a project grants. Kept apart from the
 * authenticator so that sessions, the access layer and the API types share one definition.
 */

/** A project member's role, from most to least allowed. */
export type Role = 'owner' | 'editor' | 'viewer';

/** The roles, most allowed first (the order {@link roleAtLeast} compares by). */
export const ROLES: readonly Role[] = ['owner', 'editor', 'viewer'];

/**
 * What authenticated: the instance admin token, a project's ingest key, a project's
 * read-only token, or a user (signed in, or by a personal API token).
 */
export type PrincipalKind = 'admin' | 'ingest' | 'read' | 'user';

/** Who a request authenticated as. */
export interface Principal {
  readonly kind: PrincipalKind;
  /**
   * The project an ingest or read key belongs to; 'default' for the admin token and users
   * (who name their project per request). How rows carry it is the ingest layer's business.
   */
  readonly projectId: string;
  /** The user, for kind 'user'. */
  readonly userId?: string;
  /** The key or token that authenticated (for the audit log); absent for sessions. */
  readonly keyId?: string;
}

/** Whether `role` grants at least what `needed` does. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(needed);
}

/** Whether `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who did it, as the log names them: `admin-token`, `user:<id>` or `key:<id>`. */
export function actorOf(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  if (principal.kind === 'admin') return 'admin-token';
  if (principal.kind === 'user') return `user:${principal.userId ?? ''}`;
  return `key:${principal.keyId ?? ''}`;
}
