/**
 * The request digests committed in the last `windowSeconds`, per table (a bit per table of
 * the ingest path, at most 8): answers "are this request's rows for table T already
 * stored?" without a query. One Map in insertion order, so expiry walks from its head.
 * Memory grows with the request rate times the window (about 100 bytes a digest), bounded
 * by `maxEntries`: past it the oldest are forgotten early (counted in `evicted`).
 */
export class DigestWindow {
  /** digest -> first-seen second * 256 + table bits. */
  private readonly seen = new Map<string, number>();
  /** Digests forgotten before their window ended, because of `maxEntries`. */
  evicted = 0;

  constructor(
    readonly windowSeconds: number,
    readonly maxEntries: number,
  ) {}

  /** Number of digests held. */
  get size(): number {
    return this.seen.size;
  }

  /** True when `digest` was committed for the table of bit `bit` (0-7). */
  has(digest: string, bit: number): boolean {
    const v = this.seen.get(digest);
    return v !== undefined && ((v % 256) & (1 << bit)) !== 0;
  }

  /** Records `digest` as committed for table bit `bit` at `atSeconds` (Unix time). */
  add(digest: string, bit: number, atSeconds: number): void {
    const v = this.seen.get(digest);
    if (v === undefined) {
      this.seen.set(digest, Math.floor(atSeconds) * 256 + (1 << bit));
      if (this.seen.size > this.maxEntries) {
        const oldest = this.seen.keys().next().value as string;
        this.seen.delete(oldest);
        this.evicted++;
      }
    } else this.seen.set(digest, v - (v % 256) + ((v % 256) | (1 << bit)));
  }

  /** Forgets digests first seen before `nowSeconds - windowSeconds`. */
  expire(nowSeconds: number): void {
    const cutoff = (nowSeconds - this.windowSeconds) * 256;
    for (const [digest, v] of this.seen) {
      if (v >= cutoff) break;
      this.seen.delete(digest);
    }
  }
}
