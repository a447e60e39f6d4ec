import { gunzip, inflate } from 'node:zlib';
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
 * Reads a request body of at most `limit` bytes after decompression. A gzip (or deflate)
 * body is inflated with zlib's `maxOutputLength`, so a bomb stops at the limit instead
 * of filling memory.
 */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  contentEncoding: string | undefined,
  contentLength: string | undefined,
  limit: number,
): Promise<Uint8Array> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (
    encoding !== 'identity' &&
    encoding !== 'gzip' &&
    encoding !== 'x-gzip' &&
    encoding !== 'deflate'
  )
    throw new UnsupportedMediaTypeError(`Content-Encoding: ${encoding}`, ['gzip', 'identity']);
  if (contentLength !== undefined && Number(contentLength) > limit)
    throw new PayloadTooLargeError(limit);
  const raw = await readAll(body, limit);
  if (encoding === 'identity') return raw;
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        reject(new PayloadTooLargeError(limit));
      else reject(new OtlpDecodeError(`body is not valid ${encoding} data: ${err.message}`));
    };
    if (encoding === 'deflate') inflate(raw, { maxOutputLength: limit }, done);
    else gunzip(raw, { maxOutputLength: limit }, done);
  });
}

async function readAll(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, total);
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
 * Encodes `Export<Signal>ServiceResponse`: empty when everything was accepted, otherwise
 * `partial_success { rejected_<records> = 1; error_message = 2; }`.
 */
export function encodeExportResponse(
  signal: Signal,
  encoding: OtlpEncoding,
  outcome: DecodeOutcome,
): Uint8Array | string {
  if (encoding === 'json') {
    if (outcome.rejected === 0) return '{}';
    return JSON.stringify({
      partialSuccess: {
        [REJECTED_FIELD[signal]]: String(outcome.rejected),
        errorMessage: outcome.message,
      },
    });
  }
  if (outcome.rejected === 0) return new Uint8Array(0);
  const msg = Buffer.from(outcome.message, 'utf8');
  const inner = [0x08, ...varint(outcome.rejected), 0x12, ...varint(msg.length)];
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
