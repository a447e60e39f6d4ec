import { RateLimitError, UnavailableError } from '../errors.js';
import type { AuthRepo, KeyRecord } from '../storage/auth-repo.js';
import { hashKey } from './keys.js';
import { LruMap } from './lru-map.js';
import { NegativeCache } from './negative-cache.js';
import type { Principal } from './principal.js';
import { type Bucket, type BucketLimit, KeyedBuckets, take } from './token-bucket.js';

export type { Principal } from './principal.js';

/**
 * Limits and cache sizes. The first five are named like the collector's options, so
 * `new Authenticator(repo, config)` passes them through; the rest are for tests.
 */
export interface AuthenticatorOptions {
  /** Failed attempts per second regained by one client address (0: no limit). */
  readonly authFailureRate?: number;
  /** Failed attempts one client address may make in a row before it gets 429. */
  readonly authFailureBurst?: number;
  /** Ingest requests per second per key (0 or absent: no limit). */
  readonly ingestRateLimit?: number;
  /** Ingest requests per key allowed in a burst (default: one second's worth, at least 1). */
  readonly ingestRateBurst?: number;
  /** Count failed attempts against the right-most `X-Forwarded-For` address. */
  readonly trustProxy?: boolean;
  /** How long a lookup result may be used: revocation takes effect within this. */
  readonly cacheTtlMs?: number;
  /** Age after which a used valid key is looked up again in the background. */
  readonly refreshAfterMs?: number;
  readonly maxValidKeys?: number;
  readonly maxUnknownKeys?: number;
  /** Client addresses (and keys) whose buckets are remembered. */
  readonly maxAddresses?: number;
  /** Distinct credentials looked up at once; more get 503 (bounds the engine's work). */
  readonly maxLookups?: number;
  /**
   * Lookups of credentials not known valid, per second, from all addresses together; more get
   * 503. A flood spread over many addresses then costs the engine a bounded share.
   */
  readonly lookupRate?: number;
  readonly now?: () => number;
}

/** Where a credential came from, for the limits. */
export interface AuthRequest {
  /** `addressKey`/`clientAddress` of the caller (failed attempts are counted per key). */
  readonly address: string;
  /** An ingest request: the per-key ingest rate applies. */
  readonly ingest?: boolean;
}

interface ValidEntry {
  principal: Principal;
  /** Unix ms the key stops working at (its expiry), if it has one. */
  expiresAt?: number;
  /** When the lookup that produced it started: the entry is used until `at + ttl`. */
  at: number;
}

const DEFAULTS = {
  authFailureRate: 10,
  authFailureBurst: 100,
  cacheTtlMs: 10_000,
  refreshAfterMs: 4_000,
  maxValidKeys: 100_000,
  maxUnknownKeys: 10_000,
  maxAddresses: 10_000,
  maxLookups: 256,
  lookupRate: 500,
};

/**
 * Resolves credentials to principals, compared by SHA-256 hash only (the raw token is never
 * stored or compared). Valid keys and unknown tokens live in separate caches, both bounded
 * by count, so a flood of made-up tokens can never push a valid key out. A valid key in use
 * is looked up again in the background after `refreshAfterMs` (the ingest path does not wait
 * behind the engine's inserts) and is not used past `cacheTtlMs`, so a revoked key stops
 * working within that time. Unknown tokens are remembered for `cacheTtlMs`.
 *
 * Every credential that is not a known valid key costs its client address a token; a lookup
 * that finds a valid key gives it back. An address out of tokens gets 429 without a lookup,
 * while known valid keys from the same address keep working: behind NAT or a proxy one
 * client's bad tokens must not lock the others out.
 */
export class Authenticator {
  /** Whether callers should read the client address from `X-Forwarded-For`. */
  readonly trustProxy: boolean;
  private readonly ttl: number;
  private readonly refreshAfter: number;
  private readonly maxLookups: number;
  private readonly now: () => number;
  private readonly valid: LruMap<string, ValidEntry>;
  private readonly unknown: NegativeCache;
  private readonly failures: KeyedBuckets | undefined;
  private readonly ingestRate: KeyedBuckets | undefined;
  private readonly lookupLimit: BucketLimit | undefined;
  private readonly lookupBudget: Bucket;
  private readonly pending = new Map<string, Promise<Principal | undefined>>();
  private generation = 0;

  constructor(
    private readonly repo: Pick<AuthRepo, 'findKey'>,
    options: AuthenticatorOptions = {},
  ) {
    const o = { ...DEFAULTS, ...definedOnly(options) };
    this.now = options.now ?? Date.now;
    this.trustProxy = options.trustProxy ?? false;
    this.ttl = o.cacheTtlMs;
    this.refreshAfter = Math.min(o.refreshAfterMs, o.cacheTtlMs);
    this.maxLookups = o.maxLookups;
    this.valid = new LruMap(o.maxValidKeys);
    this.unknown = new NegativeCache({ ttlMs: o.cacheTtlMs, maxSize: o.maxUnknownKeys }, this.now);
    if (o.authFailureRate > 0)
      this.failures = new KeyedBuckets(
        { ratePerSecond: o.authFailureRate, burst: o.authFailureBurst, maxKeys: o.maxAddresses },
        this.now,
      );
    this.lookupLimit =
      o.lookupRate > 0 ? { ratePerSecond: o.lookupRate, burst: 2 * o.lookupRate } : undefined;
    this.lookupBudget = { tokens: 2 * o.lookupRate, at: this.now() };
    const ingest = options.ingestRateLimit ?? 0;
    if (ingest > 0)
      this.ingestRate = new KeyedBuckets(
        {
          ratePerSecond: ingest,
          burst: options.ingestRateBurst ?? Math.max(1, Math.ceil(ingest)),
          maxKeys: o.maxValidKeys,
        },
        this.now,
      );
  }

  /**
   * The principal for `token`, or undefined for an unknown or revoked one.
   *
   * @throws RateLimitError (429) when `request.address` is out of failed attempts and the
   *   token is not a known valid key, or when the key is over its ingest rate
   * @throws UnavailableError (503) when too many lookups are in flight or storage fails
   */
  async authenticate(token: string, request: AuthRequest): Promise<Principal | undefined> {
    const hash = hashKey(token);
    const known = this.valid.get(hash);
    let principal: Principal | undefined;
    if (known) principal = await this.fromKnown(hash, known);
    else principal = await this.fromUnknown(hash, request.address);
    if (principal && request.ingest && this.ingestRate) {
      const waitMs = this.ingestRate.take(hash);
      if (waitMs > 0)
        throw new RateLimitError('this key is over its ingest rate limit', seconds(waitMs));
    }
    return principal;
  }

  /** Forgets cached lookups (after keys change in this process). */
  invalidate(): void {
    this.generation++;
    this.valid.clear();
    this.unknown.clear();
  }

  /** A key seen valid before: fresh, due for a background refresh, or expired. */
  private async fromKnown(hash: string, entry: ValidEntry): Promise<Principal | undefined> {
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      // Expiry is known locally: a rotated key's overlap ends on time, not a cache TTL later.
      this.valid.delete(hash);
      return undefined;
    }
    const age = this.now() - entry.at;
    if (age < this.refreshAfter) return entry.principal;
    const refresh = this.lookup(hash);
    if (age < this.ttl) {
      // Storage trouble shows on the hot path only once the entry expires.
      refresh.catch(() => {});
      return entry.principal;
    }
    return refresh.catch((err: unknown) => {
      throw new UnavailableError('cannot check credentials: storage failed', 5, err);
    });
  }

  /** A token not known to be valid: costs its address an attempt unless it proves valid. */
  private async fromUnknown(hash: string, address: string): Promise<Principal | undefined> {
    if (this.failures) {
      const waitMs = this.failures.take(address);
      if (waitMs > 0)
        throw new RateLimitError(
          'too many failed authentication attempts from this address',
          seconds(waitMs),
        );
    }
    if (this.unknown.has(hash)) return undefined;
    if (!this.pending.has(hash)) {
      const busy =
        this.pending.size >= this.maxLookups ||
        (this.lookupLimit && take(this.lookupBudget, this.lookupLimit, this.now()) > 0);
      if (busy) {
        this.failures?.refund(address);
        throw new UnavailableError('too many credential checks at once; retry later', 1);
      }
    }
    let principal: Principal | undefined;
    try {
      principal = await this.lookup(hash);
    } catch (err) {
      this.failures?.refund(address);
      throw new UnavailableError('cannot check credentials: storage failed', 5, err);
    }
    if (principal) this.failures?.refund(address);
    return principal;
  }

  /** Looks `hash` up, one query per hash at a time, and files the answer in a cache. */
  private lookup(hash: string): Promise<Principal | undefined> {
    let p = this.pending.get(hash);
    if (p) return p;
    const at = this.now();
    const generation = this.generation;
    p = this.repo
      .findKey(hash)
      .then((rec) => {
        const principal = rec ? toPrincipal(rec) : undefined;
        if (generation !== this.generation) return principal;
        if (principal) {
          this.unknown.delete(hash);
          this.valid.set(hash, { principal, at, expiresAt: rec?.expiresAt });
        } else {
          this.valid.delete(hash);
          this.unknown.add(hash, at);
        }
        return principal;
      })
      .finally(() => this.pending.delete(hash));
    this.pending.set(hash, p);
    return p;
  }
}

/** Whole seconds for `Retry-After`, at least 1. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** `options` without undefined values, so they do not override the defaults. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function toPrincipal(rec: KeyRecord): Principal {
  // A personal token acts as its user, who names a project per request.
  if (rec.kind === 'personal')
    return { kind: 'user', projectId: 'default', userId: rec.userId ?? '', keyId: rec.id };
  return { kind: rec.kind, projectId: rec.projectId || 'default', keyId: rec.id };
}

/**
 * Extracts the credential from `Authorization: Bearer <key>`, the password of
 * `Authorization: Basic` (what Grafana's and Prometheus's HTTP clients send; the user name is
 * ignored) or `x-aiobs-api-key`.
 */
export function credentialFrom(headers: { get(name: string): string | null }): string | undefined {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!.trim();
    const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(auth.trim());
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const password = colon >= 0 ? decoded.slice(colon + 1) : '';
      if (password) return password;
    }
  }
  const key = headers.get('x-aiobs-api-key');
  return key ? key.trim() : undefined;
}
