import type { OverloadError } from '../errors.js';
import type { NativeBlock } from '../storage/native/block.js';
import { DecodedTooLargeError, SaturatedError } from './errors.js';

/**
 * Bounds the bytes one request writes into the blocks while it is decoded. Decoders call
 * `charge(block)` after each record, so a request stops at most one record past its
 * limit, before it has written (or made the sinks allocate) much more:
 * - past `limit` (`--max-decoded-bytes`) the request is refused with 413, whatever the load;
 * - past `headroom`, what the write path's memory budget has left, it is refused with 503
 *   and `Retry-After` (`overloaded`: the budget's or the memory bound's refusal), as when the
 *   budget is full before its body is read.
 * The caller rolls the blocks back either way, so nothing of a refused request is written.
 */
export class DecodeBudget {
  /** Bytes charged so far. */
  used = 0;
  private readonly stop: number;

  constructor(
    readonly limit: number,
    readonly headroom = Number.POSITIVE_INFINITY,
    private readonly overloaded: () => OverloadError = () => new SaturatedError(),
  ) {
    this.stop = Math.min(limit, headroom);
  }

  /** Starts counting what `blocks` hold now as nothing (call before decoding). */
  begin(blocks: readonly NativeBlock[]): void {
    for (const b of blocks) b.growth();
  }

  /** Adds what `block` grew by since its last charge; throws once over a limit. */
  charge(block: NativeBlock): void {
    this.used += block.growth();
    if (this.used > this.stop) this.refuse();
  }

  private refuse(): never {
    if (this.used > this.limit) throw new DecodedTooLargeError(this.limit);
    throw this.overloaded();
  }
}
