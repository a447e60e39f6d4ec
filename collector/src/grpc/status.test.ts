import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, test } from 'vitest';
import {
  BadRequestError,
  ForbiddenError,
  PayloadTooLargeError,
  RateLimitError,
  UnauthorizedError,
  UnavailableError,
} from '../errors.js';
import { DecodedTooLargeError, OtlpDecodeError, SaturatedError } from '../otlp/errors.js';
import { encodeRetryStatus, grpcFailure } from './status.js';

describe('grpcFailure', () => {
  test('maps each write-path error to the OTLP spec status, with retry info only when retryable', () => {
    const cases: [unknown, GrpcStatus, number | undefined][] = [
      [new OtlpDecodeError('truncated'), GrpcStatus.INVALID_ARGUMENT, undefined],
      [new BadRequestError('bad'), GrpcStatus.INVALID_ARGUMENT, undefined],
      [new UnauthorizedError(), GrpcStatus.UNAUTHENTICATED, undefined],
      [new ForbiddenError('no'), GrpcStatus.PERMISSION_DENIED, undefined],
      [new PayloadTooLargeError(1024), GrpcStatus.RESOURCE_EXHAUSTED, undefined],
      [new DecodedTooLargeError(1024), GrpcStatus.RESOURCE_EXHAUSTED, undefined],
      [new RateLimitError('slow down', 3), GrpcStatus.RESOURCE_EXHAUSTED, 3],
      [new SaturatedError(), GrpcStatus.UNAVAILABLE, 1],
      [new UnavailableError('storage', 5, new Error('down')), GrpcStatus.UNAVAILABLE, 5],
      [new TypeError('bug'), GrpcStatus.INTERNAL, undefined],
    ];
    for (const [err, code, retry] of cases) {
      const f = grpcFailure(err);
      expect([String(err), f.code, f.retryAfterSeconds]).toEqual([String(err), code, retry]);
    }
  });

  test('only faults of the collector are internal; a bug does not leak its message', () => {
    expect(grpcFailure(new SaturatedError()).internal).toBe(false);
    expect(grpcFailure(new UnavailableError('storage', 5, new Error('down'))).internal).toBe(true);
    const bug = grpcFailure(new TypeError('secret detail'));
    expect(bug).toMatchObject({ internal: true, message: 'internal error' });
    expect(grpcFailure(new OtlpDecodeError('span 3: truncated')).message).toBe('span 3: truncated');
  });
});

describe('encodeRetryStatus', () => {
  test('encodes google.rpc.Status with one google.rpc.RetryInfo detail', () => {
    // Derived by hand from google/rpc/status.proto, any.proto, error_details.proto and
    // duration.proto: Status{code=14, message="x", details=[Any{type_url, value=RetryInfo{
    // retry_delay=Duration{seconds=1}}}]}.
    const typeUrl = Buffer.from('type.googleapis.com/google.rpc.RetryInfo');
    expect(typeUrl.length).toBe(0x28);
    const any = Buffer.concat([
      Buffer.from([0x0a, 0x28]),
      typeUrl,
      Buffer.from([0x12, 0x04, 0x0a, 0x02, 0x08, 0x01]),
    ]);
    const expected = Buffer.concat([
      Buffer.from([0x08, 0x0e, 0x12, 0x01, 0x78, 0x1a, any.length]),
      any,
    ]);
    expect(encodeRetryStatus(14, 'x', 1).toString('hex')).toBe(expected.toString('hex'));
  });

  test('long messages and delays use multi-byte varints', () => {
    const bin = encodeRetryStatus(8, 'm'.repeat(200), 300);
    // code, then message length 200 as the varint c8 01.
    expect([...bin.subarray(0, 5)]).toEqual([0x08, 0x08, 0x12, 0xc8, 0x01]);
    // The Duration at the end: its length 3, then seconds = 300 as ac 02.
    expect([...bin.subarray(-4)]).toEqual([0x03, 0x08, 0xac, 0x02]);
  });
});
