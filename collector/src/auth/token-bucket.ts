/** How fast a bucket refills and how many tokens it holds at most. */
export interface BucketLimit {
  /** Tokens added per second (may be fractional: 0.5 is one token every 2 s). */
  readonly ratePerSecond: number;
  /** Most tokens a bucket holds: the burst allowed after a quiet period. */
  readonly burst: number;
}

/** A token bucket's state; a bucket starts full. */
export interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms, the limiter's clock). */
  at: number;
}

/** Brings `bucket` up to `now` and returns its tokens. */
export function refill(bucket: Bucket, limit: BucketLimit, now: number): number {
  const elapsed = Math.max(0, now - bucket.at);
  bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsed * limit.ratePerSecond) / 1000);
  bucket.at = Math.max(bucket.at, now);
  return bucket.tokens;
}

/**
 * Takes one token. Returns 0 when one was taken, otherwise the milliseconds until one will
 * be there (nothing is taken then, so refused attempts do not push the wait further out).
 */
export function take(bucket: Bucket, limit: BucketLimit, now: number): number {
  const tokens = refill(bucket, limit, now);
  if (tokens >= 1) {
    bucket.tokens = tokens - 1;
    return 0;
  }
  return Math.ceil(((1 - tokens) * 1000) / limit.ratePerSecond);
}

/**
 * Token buckets by key (a client address, a key hash), at most `maxKeys` of them. A bucket
 * that refilled to `burst` says nothing a fresh one would not, so the least recently used
 * bucket is the one dropped when the map is full: memory is bounded by the count whatever
 * the traffic, and a client can only regain tokens by waiting or by being the oldest of
 * `maxKeys` active keys.
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: BucketLimit & { readonly maxKeys: number },
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1) || !(limit.maxKeys >= 1))
      throw new RangeError('a bucket needs a positive rate, a burst of at least 1 and maxKeys');
  }

  /** Takes a token for `key`: 0 when taken, else the milliseconds until one is there. */
  take(key: string): number {
    return take(this.touch(key), this.limit, this.now());
  }

  /** Gives back a token that `take` handed out for an attempt that turned out not to count. */
  refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (!bucket) return;
    refill(bucket, this.limit, this.now());
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + 1);
  }

  /** Buckets held now (at most `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }

  /** The bucket of `key`, moved to the most recently used end of the map. */
  private touch(key: string): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else {
      bucket = { tokens: this.limit.burst, at: this.now() };
      if (this.buckets.size >= this.limit.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}
