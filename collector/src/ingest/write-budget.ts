import type { OverloadError } from '../errors.js';
import { SaturatedError } from '../otlp/errors.js';

/**
 * A second limit on the write path beside its own budget: the room it has under the
 * process's memory bound (`MemoryGuard`), which shrinks as memory held elsewhere grows.
 */
export interface WritePathLimit {
  /** Bytes the write path may hold now, given that it holds `held`; 0 or less: none. */
  room(held: number): number;
  /** The refusal for a request turned away by this limit (counted by the limit). */
  refuse(): OverloadError;
}

/**
 * The write path's memory budget (`--max-pending-bytes`), shared by rows waiting for the
 * engine (`pending()`, measured from the batches) and request bodies being read or decoded
 * (reserved here). Without the reservations, N concurrent large bodies would each pass the
 * admission check and add up; with them, the ones that do not fit get 503 + Retry-After.
 * With a `limit` (the memory bound), the budget's effective maximum is the lower of the two.
 *
 * One request may always proceed when nothing else holds any of the budget, so a body the
 * size of `--max-body-bytes` is accepted by an idle collector whatever the limits are, and
 * memory held outside the write path can slow ingest to one request at a time but never
 * stop it.
 */
export class WriteBudget {
  private reservedBytes = 0;

  /**
   * @param bodyShare the share of `maxBytes` that bodies (reservations) may hold together.
   *   Bodies wait for their decode turn (`DecodeTurns`) while others decode; were they
   *   allowed the whole budget, a queue of them would leave no room for the rows each one
   *   decodes into, and most decodes would be refused after their wait (measured without
   *   it: about 4,000 of 7,400 decodes in a 60-s overload, docs/benchmarks.md session 42).
   */
  constructor(
    readonly maxBytes: number,
    private readonly pending: () => number,
    private readonly limit?: WritePathLimit,
    private readonly bodyShare = 0.5,
  ) {}

  /** Bytes reserved by bodies in flight. */
  reserved(): number {
    return this.reservedBytes;
  }

  /**
   * Why a new request must be refused before its body is read (503 + Retry-After), or
   * undefined: the budget or the limit is used up by what is already held.
   */
  refusal(): OverloadError | undefined {
    const held = this.pending() + this.reservedBytes;
    if (held === 0) return undefined;
    if (held >= this.maxBytes) return new SaturatedError();
    if (this.reservedBytes >= this.maxBytes * this.bodyShare) return new SaturatedError();
    if (this.limit && held >= this.limit.room(held)) return this.limit.refuse();
    return undefined;
  }

  /** Opens a reservation of 0 bytes for one request; `ensure` grows it. */
  open(): Reservation {
    return new Reservation(this);
  }

  /**
   * What rows of the request holding `own` may add before the budget is full, and the
   * refusal once they pass it. Its own body is not subtracted: decoding turns the body into
   * rows, and the body is released as soon as they are in the batches, so the two overlap
   * for one synchronous decode only. Unbounded when nothing else holds any of the budget
   * (see the class comment).
   */
  headroom(own: Reservation): { bytes: number; refuse: () => OverloadError } {
    const held = this.pending() + this.reservedBytes;
    const others = held - own.bytes;
    const { max, byLimit } = this.maxFor(held);
    const refuse = () => (byLimit && this.limit ? this.limit.refuse() : new SaturatedError());
    if (others <= 0) return { bytes: Number.POSITIVE_INFINITY, refuse };
    return { bytes: Math.max(0, max - others), refuse };
  }

  /** @internal Grows `r` by `n` bytes or throws the refusal (503). */
  grow(r: Reservation, n: number): void {
    const held = this.pending() + this.reservedBytes;
    if (held - r.bytes > 0) {
      if (held + n > this.maxBytes) throw new SaturatedError();
      if (this.reservedBytes + n > this.maxBytes * this.bodyShare) throw new SaturatedError();
      if (this.limit && held + n > this.limit.room(held)) throw this.limit.refuse();
    }
    this.reservedBytes += n;
    r.bytes += n;
  }

  /** @internal */
  give(r: Reservation): void {
    this.reservedBytes -= r.bytes;
    r.bytes = 0;
  }

  /** The effective maximum while `held` bytes are held, and whether the limit sets it. */
  private maxFor(held: number): { max: number; byLimit: boolean } {
    const room = this.limit ? this.limit.room(held) : Number.POSITIVE_INFINITY;
    return room < this.maxBytes
      ? { max: room, byLimit: true }
      : { max: this.maxBytes, byLimit: false };
  }
}

/** The bytes one request holds of a `WriteBudget` while its body is read and decoded. */
export class Reservation {
  bytes = 0;

  constructor(private readonly budget: WriteBudget) {}

  /** Grows the reservation to `total` bytes (no-op if it holds that much); may throw 503. */
  ensure(total: number): void {
    if (total > this.bytes) this.budget.grow(this, total - this.bytes);
  }

  /** Gives everything back; safe to call more than once. */
  release(): void {
    if (this.bytes > 0) this.budget.give(this);
  }
}
