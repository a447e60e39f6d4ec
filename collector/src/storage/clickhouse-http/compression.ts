import zlib from 'node:zlib';
import { ClickHouseHttpError } from './error-codes.js';

/** Content codings the HTTP interface reads and writes (`zstd` where Node's zlib has it). */
export type HttpCoding = 'gzip' | 'deflate' | 'br' | 'zstd';

type Codec = { decode(b: Uint8Array): Buffer; encode(b: Uint8Array, level?: number): Buffer };

const z = zlib as unknown as Record<string, ((b: Uint8Array, o?: object) => Buffer) | undefined>;

const CODECS: Partial<Record<HttpCoding, Codec>> = {
  gzip: {
    decode: (b) => zlib.gunzipSync(b),
    encode: (b, level) => zlib.gzipSync(b, level === undefined ? {} : { level }),
  },
  deflate: {
    decode: (b) => zlib.inflateSync(b),
    encode: (b, level) => zlib.deflateSync(b, level === undefined ? {} : { level }),
  },
  br: { decode: (b) => zlib.brotliDecompressSync(b), encode: (b) => zlib.brotliCompressSync(b) },
  // zlib's zstd arrived in Node 22.15; on older runtimes the coding is simply not offered.
  ...(z.zstdDecompressSync && z.zstdCompressSync
    ? {
        zstd: {
          decode: (b: Uint8Array) => z.zstdDecompressSync!(b),
          encode: (b: Uint8Array) => z.zstdCompressSync!(b),
        },
      }
    : {}),
};

/**
 * Decodes a request body sent with `Content-Encoding` (as `@clickhouse/client` does with
 * `compression.request`). An unknown coding or a corrupt body is the server's
 * UNKNOWN_COMPRESSION_METHOD / CANNOT_DECOMPRESS answer, never a crash.
 */
export function decodeBody(body: Uint8Array, contentEncoding: string | undefined): Uint8Array {
  const coding = contentEncoding?.trim().toLowerCase();
  if (!coding || coding === 'identity') return body;
  const codec = CODECS[coding as HttpCoding];
  if (!codec)
    throw new ClickHouseHttpError(
      'UNKNOWN_COMPRESSION_METHOD',
      `Unknown HTTP compression method: ${coding}`,
    );
  try {
    return codec.decode(body);
  } catch (err) {
    throw new ClickHouseHttpError(
      271,
      `Cannot decompress the ${coding} request body: ${(err as Error).message}`,
      'CANNOT_DECOMPRESS',
    );
  }
}

/**
 * The coding to answer with: only when the request set `enable_http_compression=1`, and
 * the first coding of `Accept-Encoding` the server supports (as the server picks it).
 */
export function responseCoding(
  enableHttpCompression: boolean,
  acceptEncoding: string | undefined,
): HttpCoding | undefined {
  if (!enableHttpCompression || !acceptEncoding) return undefined;
  for (const part of acceptEncoding.split(',')) {
    const name = part.split(';')[0]!.trim().toLowerCase();
    if (name in CODECS) return name as HttpCoding;
  }
  return undefined;
}

/** Compresses a response body with `coding` (`http_zlib_compression_level` for gzip/deflate). */
export function encodeBody(body: Uint8Array, coding: HttpCoding, level?: number): Buffer {
  return CODECS[coding]!.encode(body, level);
}
