import { createGunzip, createInflate } from 'node:zlib';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';
import { OtlpDecodeError } from './errors.js';
import type { DecodeOutcome } from './outcome.js';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

export const PROTOBUF_TYPE = 'application/x-protobuf';
export const JSON_TYPE = 'application/json';

/** Chooses the encoding from `Content-Type` (parameters such as charset are ignored). */
export function encodingOf(contentType: string | undefined): OtlpEncoding {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === PROTOBUF_TYPE || base === 'application/protobuf') return 'protobuf';
  if (base === JSON_TYPE) return 'json';
  throw new UnsupportedMediaTypeError(base || '(none)', [PROTOBUF_TYPE, JSON_TYPE]);
}

/**
 * Called with the bytes a body holds so far (raw and inflated together), each time that
 * grows; it throws to stop the read (the write path's memory budget is full).
 */
export type BodyAccount = (bytes: number) => void;

/**
 * Reads a request body of at most `limit` bytes after decompression. A gzip (or deflate)
 * body is inflated as a stream that stops at the limit, so a bomb never fills memory.
 * `account` sees the bytes held as they arrive: `Content-Length` up front when it is
 * given, then each chunk read and each chunk inflated.
 */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  contentEncoding: string | undefined,
  contentLength: string | undefined,
  limit: number,
  account: BodyAccount = () => {},
): Promise<Uint8Array> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (
    encoding !== 'identity' &&
    encoding !== 'gzip' &&
    encoding !== 'x-gzip' &&
    encoding !== 'deflate'
  )
    throw new UnsupportedMediaTypeError(`Content-Encoding: ${encoding}`, ['gzip', 'identity']);
  accountDeclared(contentLength, limit, account);
  const raw = await readAll(body, limit, account);
  if (encoding === 'identity') return raw;
  return inflateLimited(raw, encoding === 'deflate', limit, account);
}

/**
 * Checks a request's declared `Content-Length` against `limit` before any byte is read, and
 * accounts for it up front (so the write budget refuses a body it cannot hold at once).
 *
 * @throws PayloadTooLargeError (413) past `limit`; whatever `account` throws (503)
 */
export function accountDeclared(
  contentLength: string | undefined,
  limit: number,
  account: BodyAccount,
): void {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  if (declared > limit) throw new PayloadTooLargeError(limit);
  if (declared > 0) account(declared);
}

async function readAll(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  account: BodyAccount,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    try {
      if (total > limit) throw new PayloadTooLargeError(limit);
      account(total);
    } catch (err) {
      // Not cancel(): on the server that would destroy the request and leave the rest of
      // the body unread on the socket; the server discards it after the answer instead.
      reader.releaseLock();
      throw err;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, total);
}

/** Inflated chunk size: large enough that a big body takes few callbacks. */
const INFLATE_CHUNK = 64 * 1024;

function inflateLimited(
  raw: Uint8Array,
  deflate: boolean,
  limit: number,
  account: BodyAccount,
): Promise<Buffer> {
  const what = deflate ? 'deflate' : 'gzip';
  const z = deflate
    ? createInflate({ chunkSize: INFLATE_CHUNK })
    : createGunzip({ chunkSize: INFLATE_CHUNK });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const fail = (err: unknown) => {
      z.destroy();
      reject(err);
    };
    z.on('data', (chunk: Buffer) => {
      total += chunk.length;
      try {
        if (total > limit) throw new PayloadTooLargeError(limit);
        account(raw.length + total);
      } catch (err) {
        fail(err);
        return;
      }
      chunks.push(chunk);
    });
    z.on('error', (err) =>
      fail(new OtlpDecodeError(`body is not valid ${what} data: ${err.message}`)),
    );
    z.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)));
    z.end(raw);
  });
}

/** The record kind each signal's `partial_success` counts. */
const REJECTED_FIELD = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
} as const;

/** The OTLP signals. */
export type Signal = keyof typeof REJECTED_FIELD;

/**
 * Encodes `Export<Signal>ServiceResponse`: empty when everything was accepted as sent,
 * otherwise `partial_success { rejected_<records> = 1; error_message = 2; }`. Per the
 * OTLP spec, a request accepted in full with a warning (attributes dropped) has
 * `rejected_<records>` 0 and a non-empty `error_message`.
 */
export function encodeExportResponse(
  signal: Signal,
  encoding: OtlpEncoding,
  outcome: DecodeOutcome,
): Uint8Array | string {
  const message = outcome.message;
  if (encoding === 'json') {
    if (outcome.rejected === 0 && message === '') return '{}';
    return JSON.stringify({
      partialSuccess: {
        [REJECTED_FIELD[signal]]: String(outcome.rejected),
        errorMessage: message,
      },
    });
  }
  if (outcome.rejected === 0 && message === '') return new Uint8Array(0);
  const msg = Buffer.from(message, 'utf8');
  // proto3 leaves a zero count off the wire.
  const count = outcome.rejected === 0 ? [] : [0x08, ...varint(outcome.rejected)];
  const inner = [...count, 0x12, ...varint(msg.length)];
  const innerLen = inner.length + msg.length;
  return Buffer.concat([Buffer.from([0x0a, ...varint(innerLen), ...inner]), msg]);
}

/** `google.rpc.Status { code = 1; message = 2; }`, the OTLP/HTTP error body. */
export function encodeStatus(
  encoding: OtlpEncoding,
  code: number,
  message: string,
): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  const msg = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x08, ...varint(code), 0x12, ...varint(msg.length)]), msg]);
}

function varint(v: number): number[] {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
