import { type Grant, grantFor, type UserFacts } from './access.js';
import { LruMap } from './lru-map.js';
import type { Principal, Role } from './principal.js';

/** Where a user's facts come from (the users repository). */
export interface UserSource {
  findById(id: string): Promise<UserFacts | undefined>;
}

/** Where a user's memberships come from (the members repository). */
export interface MembershipSource {
  rolesOf(userId: string): Promise<ReadonlyMap<string, Role>>;
}

/** Options of {@link AccessCache}. */
export interface AccessCacheOptions {
  /** How long a user's grant is used: a removed member or disabled user stops within it. */
  ttlMs?: number;
  maxUsers?: number;
  now?: () => number;
}

interface Entry {
  grant: Grant | undefined;
  at: number;
}

/**
 * Grants of principals, the users' looked up at most once per `ttlMs` (10 s by default,
 * the same bound as key revocation) so that a membership change reaches every collector
 * within it; a change made through this process takes effect at once ({@link invalidate}).
 */
export class AccessCache {
  private readonly ttl: number;
  private readonly now: () => number;
  private readonly users: LruMap<string, Entry>;
  private readonly pending = new Map<string, Promise<Grant | undefined>>();
  private generation = 0;

  constructor(
    private readonly sources: { users: UserSource; members: MembershipSource },
    options: AccessCacheOptions = {},
  ) {
    this.ttl = options.ttlMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.users = new LruMap(options.maxUsers ?? 10_000);
  }

  /** The grant of `principal`; undefined for an unknown or disabled user. */
  async grantOf(principal: Principal): Promise<Grant | undefined> {
    if (principal.kind !== 'user') return grantFor(principal);
    const userId = principal.userId ?? '';
    const hit = this.users.get(userId);
    if (hit && this.now() - hit.at < this.ttl) return hit.grant;
    let p = this.pending.get(userId);
    if (!p) {
      const at = this.now();
      const generation = this.generation;
      p = Promise.all([this.sources.users.findById(userId), this.sources.members.rolesOf(userId)])
        .then(([user, roles]) => {
          const grant = grantFor(principal, user, roles);
          if (generation === this.generation) this.users.set(userId, { grant, at });
          return grant;
        })
        .finally(() => this.pending.delete(userId));
      this.pending.set(userId, p);
    }
    return p;
  }

  /** Forgets cached grants (all, or one user's) after a change made in this process. */
  invalidate(userId?: string): void {
    this.generation++;
    if (userId === undefined) this.users.clear();
    else this.users.delete(userId);
  }
}
