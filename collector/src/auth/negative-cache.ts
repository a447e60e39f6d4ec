import { LruMap } from './lru-map.js';

/**
 * Credential hashes that the key store did not know, remembered for `ttlMs` so that a
 * repeated wrong token costs no lookup. Bounded by count (least recently used dropped), and
 * kept apart from the valid keys so that a flood of unknown tokens can only push out other
 * unknown tokens. The short TTL is why a key created on another collector starts working
 * within seconds.
 */
export class NegativeCache {
  private readonly expiries: LruMap<string, number>;

  constructor(
    private readonly options: { readonly ttlMs: number; readonly maxSize: number },
    private readonly now: () => number = Date.now,
  ) {
    this.expiries = new LruMap(options.maxSize);
  }

  /** Whether `hash` was found unknown less than `ttlMs` ago. */
  has(hash: string): boolean {
    const expires = this.expiries.get(hash);
    if (expires === undefined) return false;
    if (this.now() < expires) return true;
    this.expiries.delete(hash);
    return false;
  }

  /** Remembers that `hash` is unknown, as of a lookup that started at `since`. */
  add(hash: string, since: number = this.now()): void {
    this.expiries.set(hash, since + this.options.ttlMs);
  }

  delete(hash: string): void {
    this.expiries.delete(hash);
  }

  clear(): void {
    this.expiries.clear();
  }

  get size(): number {
    return this.expiries.size;
  }
}
