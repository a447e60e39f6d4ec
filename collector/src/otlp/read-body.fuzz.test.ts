/**
 * Fuzzing the content handling before the decoders: `Content-Type` and `Content-Encoding`
 * values, gzip/deflate of garbage, truncated or corrupted compressed streams and bombs
 * (small bodies that inflate past the limit). Every input either yields the body (at most
 * `limit` bytes, equal to what was compressed) or a client error (400, 413, 415); none
 * escapes as another error or hangs. `FUZZ_RUNS` sets the inputs per target.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';
import { OtlpDecodeError } from './errors.js';
import { encodingOf, readBody } from './http.js';
import { fuzzParams } from './testing/fuzz-arbitraries.js';

const LIMIT = 64 * 1024;

function stream(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(at, at + chunk));
      at += chunk;
    },
  });
}

const clientError = (e: unknown) =>
  e instanceof OtlpDecodeError ||
  e instanceof PayloadTooLargeError ||
  e instanceof UnsupportedMediaTypeError;

/** A compressed body: of random bytes or a bomb, then maybe truncated or bit-flipped. */
const compressed = fc
  .record({
    plain: fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      // Bombs: far more than LIMIT of zeros in a few hundred compressed bytes.
      fc.integer({ min: LIMIT - 10, max: 16 * LIMIT }).map((n) => new Uint8Array(n)),
    ),
    deflate: fc.boolean(),
    damage: fc.oneof(
      fc.constant('none' as const),
      fc.constant('truncate' as const),
      fc.constant('flip' as const),
    ),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
    chunk: fc.integer({ min: 1, max: 4096 }),
  })
  .map((x) => {
    const z = Uint8Array.from(x.deflate ? deflateSync(x.plain) : gzipSync(x.plain));
    if (x.damage === 'truncate') return { ...x, z: z.subarray(0, x.at % z.length) };
    if (x.damage === 'flip') z[x.at % z.length] = z[x.at % z.length]! ^ (1 << x.bit);
    return { ...x, z };
  });

describe('fuzz content handling', () => {
  test('compressed bodies: the original bytes, or 400/413, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(compressed, async (x) => {
        const encoding = x.deflate ? 'deflate' : 'gzip';
        let seen = 0;
        try {
          const body = await readBody(stream(x.z, x.chunk), encoding, undefined, LIMIT, (n) => {
            seen = Math.max(seen, n);
          });
          expect(body.length).toBeLessThanOrEqual(LIMIT);
          if (x.damage === 'none')
            expect(Buffer.from(body).equals(Buffer.from(x.plain))).toBe(true);
        } catch (e) {
          if (!clientError(e)) throw e;
          // An intact stream is refused only for its size.
          if (x.damage === 'none') expect(e).toBeInstanceOf(PayloadTooLargeError);
        }
        // What was held never passed the limit by more than one inflated chunk.
        expect(seen).toBeLessThanOrEqual(x.z.length + LIMIT + 64 * 1024);
      }),
      fuzzParams(),
    );
  });

  test('garbage under any Content-Encoding: the bytes, or a client error', async () => {
    const arb = fc.record({
      bytes: fc.uint8Array({ maxLength: 1024 }),
      encoding: fc.oneof(
        fc.constantFrom('gzip', 'x-gzip', 'deflate', 'identity', ' GZIP ', 'br', 'zstd', ''),
        fc.string({ maxLength: 12 }),
      ),
      length: fc.option(fc.oneof(fc.nat().map(String), fc.string({ maxLength: 6 }))),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ bytes, encoding, length }) => {
        try {
          const body = await readBody(stream(bytes, 97), encoding, length ?? undefined, LIMIT);
          expect(body.length).toBeLessThanOrEqual(LIMIT);
        } catch (e) {
          if (!clientError(e)) throw e;
        }
      }),
      fuzzParams(),
    );
  });

  test('any Content-Type: protobuf, JSON or 415', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            'application/x-protobuf',
            'application/json; charset=utf-8',
            'Application/JSON',
          ),
        ),
        (type) => {
          try {
            expect(['protobuf', 'json']).toContain(encodingOf(type));
          } catch (e) {
            if (!(e instanceof UnsupportedMediaTypeError)) throw e;
          }
        },
      ),
      fuzzParams(),
    );
  });
});
