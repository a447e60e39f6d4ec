/**
 * A request body that cannot be decoded as the OTLP message it claims to be (truncated or
 * malformed protobuf, invalid JSON, a field of the wrong type). Answered with 400 and
 * never retried; the message says what is wrong and where.
 */
export class OtlpDecodeError extends Error {
  override readonly name: string = 'OtlpDecodeError';
}
