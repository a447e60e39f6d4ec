/**
 * Remembers that storage just failed an insert, so the write path can refuse new data at
 * once (503 + Retry-After) instead of decoding it, holding it in memory and failing it
 * again. The refusal lasts a backoff that doubles on each failure (1 s up to 15 s); after
 * it, requests are admitted again and the next insert is the probe: its success closes
 * the breaker, its failure opens it for longer. Nothing is acknowledged that was not
 * committed, so refusing loses nothing; clients retry after Retry-After.
 */
export class StorageBreaker {
  private downUntil = 0;
  private backoffMs = 0;
  /** Inserts that failed since start (self-metric). */
  failures = 0;

  constructor(
    private readonly minMs = 1000,
    private readonly maxMs = 15_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** An insert was acknowledged: storage is up. */
  succeeded(): void {
    this.backoffMs = 0;
    this.downUntil = 0;
  }

  /** An insert failed: refuse new data for the next backoff. */
  failed(): void {
    this.failures++;
    this.backoffMs = this.backoffMs === 0 ? this.minMs : Math.min(this.maxMs, this.backoffMs * 2);
    this.downUntil = this.now() + this.backoffMs;
  }

  /** Whole seconds until new data may be tried again; 0 when it may be now. */
  retryAfterSeconds(): number {
    const left = this.downUntil - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }
}
