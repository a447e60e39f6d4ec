import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnavailableError } from '../errors.js';
import { LruMap } from './lru-map.js';
import { NegativeCache } from './negative-cache.js';
import type { Principal } from './principal.js';
import type { SessionBackend, SessionRecord } from './sessions-repo.js';

/** One signed-in browser. */
export interface Session {
  readonly principal: Principal;
  /** The signed-in user, when the session is a user's (empty for token sign-ins). */
  readonly userId?: string;
  /** Sent back by the browser in `X-CSRF-Token` on state-changing requests. */
  readonly csrfToken: string;
  readonly expiresAt: number;
}

/** Options of {@link SessionStore}. */
export interface SessionStoreOptions {
  /** How long a session lasts after sign-in (default 12 hours; `--session-ttl`). */
  ttlMs?: number;
  /**
   * How long a looked-up session is used before it is read again: a sign-out or revocation
   * on another collector takes effect within it (default 10 s).
   */
  cacheTtlMs?: number;
  /** Sessions (and unknown ids) remembered locally at most. */
  maxCached?: number;
  /** Lookups in flight at once; more get 503 (a flood of made-up cookies bounds here). */
  maxLookups?: number;
  /**
   * Whether the key a session was signed in with (a token sign-in's `principal.keyId`) still
   * works: checked with each read of the session, so revoking or expiring the token ends the
   * sessions made from it within `cacheTtlMs` too.
   */
  keyLive?: (keyId: string) => Promise<boolean>;
  now?: () => number;
}

interface Cached {
  session: Session;
  /** When the lookup that produced it started: used until `at + cacheTtl`. */
  at: number;
}

/** Session ids are 32 random bytes in base64url: anything else is refused without a lookup. */
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sign-in sessions, stored in the engine so that every collector knows them and a restart
 * signs nobody out. The browser holds only an opaque random id; the store knows its SHA-256,
 * so neither the table nor a heap dump hands out live cookies. A session is read from the
 * engine at most once per `cacheTtlMs` per collector: a sign-out or revocation elsewhere
 * takes effect within that; expiry is checked on every use.
 */
export class SessionStore {
  private readonly ttl: number;
  private readonly cacheTtl: number;
  private readonly maxLookups: number;
  private readonly now: () => number;
  private readonly cache: LruMap<string, Cached>;
  private readonly unknown: NegativeCache;
  private readonly pending = new Map<string, Promise<Session | undefined>>();
  private readonly keyLive: ((keyId: string) => Promise<boolean>) | undefined;
  private generation = 0;

  constructor(
    private readonly backend: SessionBackend,
    options: SessionStoreOptions = {},
  ) {
    this.ttl = options.ttlMs ?? 12 * 3600_000;
    this.cacheTtl = options.cacheTtlMs ?? 10_000;
    this.maxLookups = options.maxLookups ?? 256;
    this.now = options.now ?? Date.now;
    this.keyLive = options.keyLive;
    this.cache = new LruMap(options.maxCached ?? 10_000);
    this.unknown = new NegativeCache(
      { ttlMs: this.cacheTtl, maxSize: options.maxCached ?? 10_000 },
      this.now,
    );
  }

  /** Starts a session: the cookie value (session id) and the session itself. */
  async create(
    principal: Principal,
    options: { userId?: string } = {},
  ): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString('base64url');
    const createdAt = this.now();
    const userId = options.userId ?? principal.userId;
    const session: Session = {
      principal,
      ...(userId ? { userId } : {}),
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: createdAt + this.ttl,
    };
    const record: SessionRecord = {
      idHash: digest(id),
      userId: userId ?? '',
      principal,
      csrfToken: session.csrfToken,
      createdAt,
      expiresAt: session.expiresAt,
      revoked: false,
    };
    await this.backend.insert(record);
    this.cache.set(record.idHash, { session, at: createdAt });
    return { id, session };
  }

  /**
   * The live session of `id`, or undefined (unknown, expired or revoked).
   *
   * @throws UnavailableError (503) when too many lookups are in flight or storage fails
   */
  async get(id: string | undefined): Promise<Session | undefined> {
    if (!id || !ID_PATTERN.test(id)) return undefined;
    const key = digest(id);
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.cacheTtl) return live(hit.session, now);
    if (this.unknown.has(key)) return undefined;
    const session = await this.lookup(key);
    return session && live(session, this.now());
  }

  /** Ends (revokes) the session of `id`; no-op when there is none. */
  async delete(id: string | undefined): Promise<void> {
    if (!id || !ID_PATTERN.test(id)) return;
    const key = digest(id);
    this.generation++;
    this.cache.delete(key);
    await this.backend.revoke(key);
    this.unknown.add(key);
  }

  /**
   * Revokes every session of `userId` (a disabled user, a changed password). This collector
   * forgets them at once, the others within `cacheTtlMs`.
   */
  async revokeUser(userId: string): Promise<void> {
    await this.backend.revokeUser(userId);
    // Revocation is rare: dropping the whole local cache is simpler than indexing it by user.
    this.invalidate();
  }

  /**
   * Forgets the sessions cached here, so the next use reads them again (after a key that
   * token sign-ins rest on was revoked in this process).
   */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.unknown.clear();
  }

  /** Seconds a new session lasts (the cookie's Max-Age). */
  get maxAgeSeconds(): number {
    return Math.floor(this.ttl / 1000);
  }

  /** Reads the session of `key`, one query per key at a time, and files the answer. */
  private lookup(key: string): Promise<Session | undefined> {
    let p = this.pending.get(key);
    if (p) return p;
    if (this.pending.size >= this.maxLookups)
      return Promise.reject(
        new UnavailableError('too many session checks at once; retry later', 1),
      );
    const at = this.now();
    const generation = this.generation;
    p = this.read(key)
      .then(
        (session) => {
          if (generation === this.generation) {
            if (session) this.cache.set(key, { session, at });
            else this.unknown.add(key, at);
          }
          return session;
        },
        (err: unknown) => {
          throw new UnavailableError('cannot check the session: storage failed', 5, err);
        },
      )
      .finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  /** The live session stored under `key`: not revoked, and its sign-in key still working. */
  private async read(key: string): Promise<Session | undefined> {
    const record = await this.backend.find(key);
    if (!record || record.revoked) return undefined;
    const keyId = record.principal.keyId;
    if (keyId !== undefined && this.keyLive && !(await this.keyLive(keyId))) return undefined;
    return toSession(record);
  }
}

/** Whether `sent` equals the session's CSRF token, in constant time. */
export function csrfMatches(session: Session, sent: string | undefined): boolean {
  if (!sent) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Milliseconds of a session TTL as `--session-ttl` takes it (`30s`, `15m`, `12h`, `7d`).
 *
 * @throws RangeError for any other text (config validation refuses it first)
 */
export function parseSessionTtl(text: string): number {
  const m = /^([1-9]\d{0,6})([smhd])$/.exec(text.trim());
  if (!m) throw new RangeError(`not a session TTL: "${text}" (use e.g. 30s, 15m or 12h)`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's'];
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'aiobs_session';
/**
 * Name of the cookie that tells the dashboard's boot script a session probably exists
 * (value `1`, readable by scripts, no secret in it), so it sends a page's first calls beside
 * the session check instead of after it. The session cookie stays HttpOnly.
 */
export const SIGNED_IN_COOKIE = 'aiobs_signed_in';
/** Header carrying the CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

function live(session: Session, now: number): Session | undefined {
  return session.expiresAt > now ? session : undefined;
}

function toSession(r: SessionRecord): Session {
  return {
    principal: r.principal,
    ...(r.userId ? { userId: r.userId } : {}),
    csrfToken: r.csrfToken,
    expiresAt: r.expiresAt,
  };
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
