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

/**
 * Resolves credentials to principals. Lookups are cached for a few seconds (positive and
 * negative), so the ingest hot path does not query the engine per request and a key
 * revoked on another collector stops working within `CACHE_MS`.
 */
export class Authenticator {
  private readonly cache = new Map<string, { at: number; principal: Principal | undefined }>();

  constructor(private readonly repo: AuthRepo) {}

  /** The principal for `token`, or undefined for an unknown or revoked one. */
  async resolve(token: string): Promise<Principal | undefined> {
    const hash = hashKey(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && now - hit.at < CACHE_MS) return hit.principal;
    const rec = await this.repo.findKey(hash);
    const principal = rec
      ? {
          kind: rec.kind,
          projectId: rec.projectId || 'default',
          project: encodeProject(rec.projectId || 'default'),
        }
      : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { at: now, principal });
    return principal;
  }

  /** Forgets cached lookups (after keys change in this process). */
  invalidate(): void {
    this.cache.clear();
  }
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
