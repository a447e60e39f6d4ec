import { encodeProject } from '../otlp/outcome.js';
import type { AuthRepo } from '../storage/auth-repo.js';
import { hashKey, type KeyKind } from './keys.js';

/** Who a request authenticated as. */
export interface Principal {
  readonly kind: KeyKind;
  /** The project an ingest key writes to ('default' for the admin token). */
  readonly projectId: string;
  /** `projectId` pre-encoded for the Native blocks. */
  readonly project: Buffer;
}

const CACHE_MS = 10_000;

interface CacheEntry {
  at: number;
  principal: Principal | undefined;
  refreshing: boolean;
}

/**
 * Resolves credentials to principals. Lookups are cached (positive and negative) and
 * refreshed in the background once older than `CACHE_MS`, so a key revoked on another
 * collector stops working within seconds while the ingest hot path never waits for the
 * engine: on the embedded engine a lookup would queue behind the inserts in flight.
 * Concurrent first lookups of one key share a single query.
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<Principal | undefined>>();

  constructor(private readonly repo: AuthRepo) {}

  /** The principal for `token`, or undefined for an unknown or revoked one. */
  async resolve(token: string): Promise<Principal | undefined> {
    const hash = hashKey(token);
    const hit = this.cache.get(hash);
    if (hit) {
      if (!hit.refreshing && Date.now() - hit.at >= CACHE_MS) this.refresh(hash, hit);
      return hit.principal;
    }
    let p = this.pending.get(hash);
    if (!p) {
      p = this.lookup(hash).finally(() => this.pending.delete(hash));
      this.pending.set(hash, p);
    }
    return p;
  }

  private async lookup(hash: string): Promise<Principal | undefined> {
    const rec = await this.repo.findKey(hash);
    const principal = rec ? toPrincipal(rec.kind, rec.projectId) : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { at: Date.now(), principal, refreshing: false });
    return principal;
  }

  private refresh(hash: string, entry: CacheEntry): void {
    entry.refreshing = true;
    this.lookup(hash).catch(() => {
      // Storage is unreachable: keep answering from the cache and retry next time.
      entry.refreshing = false;
      entry.at = Date.now();
    });
  }

  /** Forgets cached lookups (after keys change in this process). */
  invalidate(): void {
    this.cache.clear();
  }
}

function toPrincipal(kind: KeyKind, projectId: string): Principal {
  const id = projectId || 'default';
  return { kind, projectId: id, project: encodeProject(id) };
}

/** Extracts the credential from `Authorization: Bearer <key>` or `x-aiobs-api-key`. */
export function credentialFrom(headers: { get(name: string): string | null }): string | undefined {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!.trim();
  }
  const key = headers.get('x-aiobs-api-key');
  return key ? key.trim() : undefined;
}
