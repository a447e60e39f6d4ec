import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../errors.js';
import { OtlpDecodeError, SaturatedError } from './errors.js';
import { readBody } from './http.js';

/** A request body stream that yields `chunks` and records whether it was cancelled. */
function stream(chunks: Uint8Array[]) {
  const state = { cancelled: false, pulled: 0 };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        const next = chunks[state.pulled++];
        if (next) c.enqueue(next);
        else c.close();
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

describe('readBody accounts for the bytes it holds as they arrive', () => {
  it('Content-Length is accounted up front, then nothing more for the same bytes', async () => {
    const seen: number[] = [];
    const { body } = stream([bytes(100), bytes(50)]);
    const out = await readBody(body, undefined, '150', 1000, (n) => seen.push(n));
    expect(out.length).toBe(150);
    expect(seen[0]).toBe(150);
    expect(Math.max(...seen)).toBe(150);
  });

  it('without Content-Length, each chunk grows the total', async () => {
    const seen: number[] = [];
    const { body } = stream([bytes(100), bytes(50), bytes(25)]);
    await readBody(body, 'identity', undefined, 1000, (n) => seen.push(n));
    expect(seen).toEqual([100, 150, 175]);
  });

  it('a refusal from the budget stops the read and leaves the rest of the stream', async () => {
    const { body, state } = stream([bytes(100), bytes(100), bytes(100), bytes(100)]);
    const read = readBody(body, undefined, undefined, 1000, (n) => {
      if (n > 150) throw new SaturatedError();
    });
    await expect(read).rejects.toBeInstanceOf(SaturatedError);
    // Not cancelled (de68bc9): cancelling destroys the request on the server, so the client
    // would see a reset instead of the 503; the server discards the rest after the answer.
    expect(state.cancelled).toBe(false);
    expect(state.pulled).toBeLessThan(4);
    expect(body.locked).toBe(false);
  });

  it('gzip and deflate are inflated as streams; the inflated bytes are accounted too', async () => {
    const plain = Buffer.alloc(300_000, 'abc');
    for (const [encoding, packed] of [
      ['gzip', gzipSync(plain)],
      ['deflate', deflateSync(plain)],
    ] as const) {
      const seen: number[] = [];
      const { body } = stream([packed]);
      const out = await readBody(body, encoding, undefined, 1_000_000, (n) => seen.push(n));
      expect(Buffer.from(out).equals(plain)).toBe(true);
      expect(seen[0]).toBe(packed.length);
      expect(seen.at(-1)).toBe(packed.length + plain.length);
      // Several steps: the budget can refuse before the whole body is inflated.
      expect(seen.length).toBeGreaterThan(2);
    }
  });

  it('a gzip bomb stops at the limit with 413, and a budget refusal stops inflation', async () => {
    const bomb = gzipSync(Buffer.alloc(50_000_000));
    await expect(
      readBody(stream([bomb]).body, 'gzip', undefined, 1_000_000),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    let most = 0;
    const refused = readBody(stream([bomb]).body, 'gzip', undefined, 100_000_000, (n) => {
      most = n;
      if (n > 2_000_000) throw new SaturatedError();
    });
    await expect(refused).rejects.toBeInstanceOf(SaturatedError);
    expect(most).toBeLessThan(2_000_000 + 256 * 1024);
  });

  it('bad gzip is a 400, a declared length over the limit a 413 before reading', async () => {
    await expect(
      readBody(stream([bytes(20)]).body, 'gzip', undefined, 1000),
    ).rejects.toBeInstanceOf(OtlpDecodeError);
    const { body, state } = stream([bytes(10)]);
    await expect(readBody(body, undefined, '5000', 1000)).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect(state.pulled).toBe(0);
  });
});
