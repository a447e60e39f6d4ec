import type { ByteSink } from '../storage/native/byte-sink.js';

const HEX_DIGITS = Buffer.from('0123456789abcdef');

/** Appends `src[start, end)` as a Native String of lowercase hex (trace and span ids). */
export function writeHexId(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  const n = end - start;
  out.ensure(1 + 2 * n);
  const b = out.buf;
  let p = out.len;
  b[p++] = 2 * n;
  for (let i = start; i < end; i++) {
    const v = src[i]!;
    b[p++] = HEX_DIGITS[v >>> 4]!;
    b[p++] = HEX_DIGITS[v & 15]!;
  }
  out.len = p;
}

/** True when every byte in `src[start, end)` is zero (an invalid trace or span id). */
export function isZeroId(src: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (src[i] !== 0) return false;
  return true;
}
