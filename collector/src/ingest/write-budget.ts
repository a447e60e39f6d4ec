import { SaturatedError } from '../otlp/errors.js';

/**
 * The write path's memory budget (`--max-pending-bytes`), shared by rows waiting for the
 * engine (`pending()`, measured from the batches) and request bodies being read or decoded
 * (reserved here). Without the reservations, N concurrent large bodies would each pass the
 * admission check and add up; with them, the ones that do not fit get 503 + Retry-After.
 *
 * One request may always proceed when nothing else holds any of the budget, so a body the
 * size of `--max-body-bytes` is accepted by an idle collector whatever the two limits are.
 */
export class WriteBudget {
  private reservedBytes = 0;
  private openCount = 0;

  constructor(
    readonly maxBytes: number,
    private readonly pending: () => number,
  ) {}

  /** Bytes reserved by bodies in flight. */
  reserved(): number {
    return this.reservedBytes;
  }

  /** True when a new request must be refused before its body is read. */
  full(): boolean {
    return this.pending() + this.reservedBytes >= this.maxBytes;
  }

  /**
   * True when no row waits for the engine and no request holds a reservation, even of 0
   * bytes (one admitted and still reading its headers counts).
   */
  idle(): boolean {
    return this.openCount === 0 && this.pending() === 0;
  }

  /** Opens a reservation of 0 bytes for one request; `ensure` grows it. */
  open(): Reservation {
    this.openCount++;
    return new Reservation(this);
  }

  /**
   * What rows of the request holding `own` may add before the budget is full. Its own body
   * is not subtracted: decoding turns the body into rows, and the body is released as soon
   * as they are in the batches, so the two overlap for one synchronous decode only.
   * Unbounded when nothing else holds any of the budget (see the class comment).
   */
  headroom(own: Reservation): number {
    const others = this.pending() + this.reservedBytes - own.bytes;
    if (others <= 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.maxBytes - others);
  }

  /** @internal Grows `r` by `n` bytes or throws `SaturatedError` (503). */
  grow(r: Reservation, n: number): void {
    const others = this.pending() + this.reservedBytes - r.bytes;
    if (others > 0 && others + r.bytes + n > this.maxBytes) throw new SaturatedError();
    this.reservedBytes += n;
    r.bytes += n;
  }

  /** @internal */
  give(r: Reservation): void {
    this.reservedBytes -= r.bytes;
    r.bytes = 0;
  }

  /** @internal */
  close(): void {
    this.openCount--;
  }
}

/** The bytes one request holds of a `WriteBudget` while its body is read and decoded. */
export class Reservation {
  bytes = 0;
  private open = true;

  constructor(private readonly budget: WriteBudget) {}

  /** Grows the reservation to `total` bytes (no-op if it holds that much); may throw 503. */
  ensure(total: number): void {
    if (total > this.bytes) this.budget.grow(this, total - this.bytes);
  }

  /** Gives everything back; safe to call more than once. */
  release(): void {
    if (this.bytes > 0) this.budget.give(this);
    if (this.open) {
      this.open = false;
      this.budget.close();
    }
  }
}
