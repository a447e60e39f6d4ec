import { AppError, OverloadError } from '../errors.js';

/**
 * A request body that cannot be decoded as the OTLP message it claims to be (truncated or
 * malformed protobuf, invalid JSON, a field of the wrong type). Answered with 400 and
 * never retried; the message says what is wrong and where.
 */
export class OtlpDecodeError extends Error {
  override readonly name: string = 'OtlpDecodeError';
}

/**
 * 413 for a request whose decoded rows would pass `--max-decoded-bytes`: small bodies can
 * ask for far larger rows (resource attributes are copied into every row), so the rows
 * are bounded as they are written, not only the body.
 */
export class DecodedTooLargeError extends AppError {
  constructor(limit: number) {
    super(
      413,
      'payload_too_large',
      `the rows this request would write exceed the decoded-size limit of ${limit} bytes ` +
        '(resource and scope attributes count once per record); send fewer records per ' +
        'request or raise --max-decoded-bytes (AIOBS_MAX_DECODED_BYTES)',
    );
  }
}

/**
 * 503 + Retry-After: the write path's memory budget (`--max-pending-bytes`), shared by rows
 * waiting for the engine and request bodies being read or decoded, is full.
 */
export class SaturatedError extends OverloadError {
  constructor() {
    super(
      'the write path is saturated (rows waiting for storage and request bodies in flight ' +
        'fill its memory budget, --max-pending-bytes); retry later',
      1,
    );
  }
}

/**
 * 503 + Retry-After: requests already read wait longer than the write path allows for their
 * decode (the event loop is behind), so a new one is refused before its body is read.
 */
export class BehindError extends OverloadError {
  constructor(lagMs: number) {
    super(
      `the write path is behind: requests already read wait ${Math.round(lagMs)} ms for their decode; retry later`,
      1,
    );
  }
}

/**
 * 503 + Retry-After: the collector's RSS is within the write path's budget of its memory
 * bound (`--max-rss-bytes`), so it takes no new data until the engine has written what it
 * holds and memory is given back.
 */
export class MemoryBoundError extends OverloadError {
  constructor(rssBytes: number, boundBytes: number) {
    const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;
    super(
      `the collector is at its memory bound (RSS ${mib(rssBytes)} of ${mib(boundBytes)}, ` +
        '--max-rss-bytes); retry later',
      1,
    );
  }
}
