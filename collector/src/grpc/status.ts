import { status as GrpcStatus } from '@grpc/grpc-js';
import { AppError } from '../errors.js';
import { OtlpDecodeError } from '../otlp/errors.js';

/** What a failed export is answered with: a gRPC status and, when retryable, a delay. */
export interface GrpcFailure {
  readonly code: GrpcStatus;
  readonly message: string;
  /** Sent as `google.rpc.RetryInfo` in `grpc-status-details-bin`; absent: do not retry. */
  readonly retryAfterSeconds?: number;
  /** A fault of the collector (logged as an error), not of the request. */
  readonly internal: boolean;
}

/**
 * Maps the write path's errors (the same ones OTLP/HTTP renders) to a gRPC status, as the
 * OTLP spec's failure table asks (opentelemetry.io/docs/specs/otlp/#failures-1):
 * saturation and storage trouble are `UNAVAILABLE`, a rate limit `RESOURCE_EXHAUSTED`,
 * both with `RetryInfo` so clients back off and retry; undecodable data `INVALID_ARGUMENT`
 * and bad credentials `UNAUTHENTICATED`, never retried. A request too large for the
 * decoded-size limit is `RESOURCE_EXHAUSTED` without `RetryInfo` (not retryable), the
 * code grpc-js itself answers a message over the receive limit with.
 */
export function grpcFailure(err: unknown): GrpcFailure {
  if (err instanceof OtlpDecodeError)
    return { code: GrpcStatus.INVALID_ARGUMENT, message: err.message, internal: false };
  if (!(err instanceof AppError))
    return { code: GrpcStatus.INTERNAL, message: 'internal error', internal: true };
  const message = err.message;
  const retryAfterSeconds = err.options.retryAfterSeconds;
  switch (err.status) {
    case 400:
    case 415:
      return { code: GrpcStatus.INVALID_ARGUMENT, message, internal: false };
    case 401:
      return { code: GrpcStatus.UNAUTHENTICATED, message, internal: false };
    case 403:
      return { code: GrpcStatus.PERMISSION_DENIED, message, internal: false };
    case 408:
      return { code: GrpcStatus.DEADLINE_EXCEEDED, message, internal: false };
    case 413:
      return { code: GrpcStatus.RESOURCE_EXHAUSTED, message, internal: false };
    case 429:
      return { code: GrpcStatus.RESOURCE_EXHAUSTED, message, retryAfterSeconds, internal: false };
    case 503:
      return {
        code: GrpcStatus.UNAVAILABLE,
        message,
        retryAfterSeconds: retryAfterSeconds ?? 1,
        internal: err.cause !== undefined,
      };
    default:
      return { code: GrpcStatus.INTERNAL, message, internal: true };
  }
}

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * `google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; }`
 * with one `google.rpc.RetryInfo { Duration retry_delay = 1; }` detail, the value of the
 * `grpc-status-details-bin` trailer that tells OTLP clients how long to wait.
 */
export function encodeRetryStatus(code: number, message: string, retrySeconds: number): Buffer {
  const duration = field(1, varint(Math.max(0, Math.floor(retrySeconds))), 0);
  const retryInfo = field(1, duration, 2);
  const any = Buffer.concat([
    field(1, Buffer.from(RETRY_INFO_TYPE_URL, 'utf8'), 2),
    field(2, retryInfo, 2),
  ]);
  return Buffer.concat([
    field(1, varint(code), 0),
    field(2, Buffer.from(message, 'utf8'), 2),
    field(3, any, 2),
  ]);
}

/** One protobuf field: wire type 0 takes the varint bytes, wire type 2 a length prefix. */
function field(num: number, payload: Buffer, wireType: 0 | 2): Buffer {
  const tag = varint((num << 3) | wireType);
  if (wireType === 0) return Buffer.concat([tag, payload]);
  return Buffer.concat([tag, varint(payload.length), payload]);
}

function varint(v: number): Buffer {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
