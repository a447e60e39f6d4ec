import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from './authenticator.js';

/** One signed-in browser. */
export interface Session {
  readonly principal: Principal;
  /** Sent back by the browser in `X-CSRF-Token` on state-changing requests. */
  readonly csrfToken: string;
  readonly expiresAt: number;
}

/** Options of {@link SessionStore}. */
export interface SessionStoreOptions {
  /** How long a session lasts after sign-in (default 12 hours). */
  ttlMs?: number;
  /** Sessions kept at most; the oldest go first (default 10 000). */
  maxSessions?: number;
  now?: () => number;
}

/**
 * Dashboard sessions, in memory: a restart signs everyone out (acceptable until the tenancy
 * work stores sessions in the engine). The browser holds only an opaque random id; the map is
 * keyed by its SHA-256, so a heap dump does not hand out live cookies.
 */
export class SessionStore {
  private readonly ttl: number;
  private readonly max: number;
  private readonly now: () => number;
  private readonly sessions = new Map<string, Session>();

  constructor(options: SessionStoreOptions = {}) {
    this.ttl = options.ttlMs ?? 12 * 3600_000;
    this.max = options.maxSessions ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts a session: the cookie value (session id) and the session itself. */
  create(principal: Principal): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url');
    const session = {
      principal,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: this.now() + this.ttl,
    };
    // Map iteration order is insertion order: the first key is the oldest session.
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session of `id`, or undefined (unknown or expired; expired ones are dropped). */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const key = digest(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return s;
  }

  /** Ends the session of `id` (no-op when there is none). */
  delete(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }

  /** Seconds a new session lasts (the cookie's Max-Age). */
  get maxAgeSeconds(): number {
    return Math.floor(this.ttl / 1000);
  }
}

/** Whether `sent` equals the session's CSRF token, in constant time. */
export function csrfMatches(session: Session, sent: string | undefined): boolean {
  if (!sent) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'aiobs_session';
/** Header carrying the CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
