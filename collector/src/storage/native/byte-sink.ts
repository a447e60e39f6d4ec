/** Copies shorter than this many bytes are made with a loop (see `bytes`). */
const BYTE_LOOP_MAX = 48;

/**
 * A growable little-endian byte buffer: the unit every Native column writes into.
 *
 * Columns append values as they are decoded; a block is the concatenation of the
 * sinks in column order, so appends must be cheap (no per-value allocation).
 */
export class ByteSink {
  buf: Buffer;
  len = 0;

  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.len);
    this.len += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v | 0, this.len);
    this.len += 4;
  }

  /** A 64-bit integer given as its low and high 32-bit halves (no BigInt on the hot path). */
  u64(lo: number, hi: number): void {
    this.ensure(8);
    const b = this.buf;
    const p = this.len;
    // Byte stores: writeUInt32LE checks its arguments on every call (two per timestamp).
    b[p] = lo;
    b[p + 1] = lo >>> 8;
    b[p + 2] = lo >>> 16;
    b[p + 3] = lo >>> 24;
    b[p + 4] = hi;
    b[p + 5] = hi >>> 8;
    b[p + 6] = hi >>> 16;
    b[p + 7] = hi >>> 24;
    this.len = p + 8;
  }

  /** A non-negative integer below 2^53 as UInt64. */
  u64n(v: number): void {
    this.u64(v % 0x1_0000_0000, Math.floor(v / 0x1_0000_0000));
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.len);
    this.len += 8;
  }

  /** Unsigned LEB128, as Native uses for string lengths. */
  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.len;
    while (v > 0x7f) {
      b[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.len = p;
  }

  /** Copies `src[start, end)` verbatim. */
  bytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    const b = this.buf;
    let p = this.len;
    if (n < BYTE_LOOP_MAX) {
      // A loop beats the subarray + set pair for the short keys and values that dominate:
      // the subarray allocates a Buffer view (about 150 ns with its set, measured).
      for (let i = start; i < end; i++) b[p++] = src[i]!;
      this.len = p;
    } else {
      b.set(src.subarray(start, end), p);
      this.len = p + n;
    }
  }

  /** Native `String`: varint byte length + UTF-8 bytes, copied from `src[start, end)`. */
  stringBytes(src: Uint8Array, start: number, end: number): void {
    this.varint(end - start);
    this.bytes(src, start, end);
  }

  /**
   * Native `String` from a JS string of ASCII characters shorter than 128 (the text of a
   * number): no UTF-8 encoder call, which costs more than the few stores it makes.
   */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(1 + n);
    const b = this.buf;
    let p = this.len;
    b[p++] = n;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /**
   * Native `String` holding the decimal text of `v`, an integer in [0, 2^32) (the usual
   * int64 attribute: token counts, sizes), written digit by digit so no string is made.
   */
  decimal(v: number): void {
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    this.ensure(1 + digits);
    const b = this.buf;
    const at = this.len;
    b[at] = digits;
    for (let p = at + digits; p > at; p--) {
      const q = Math.floor(v / 10);
      b[p] = 0x30 + v - q * 10;
      v = q;
    }
    this.len = at + 1 + digits;
  }

  /** Native `String` from a JS string. */
  string(s: string): void {
    const n = s.length;
    if (n < 43) {
      // At most 3 bytes per UTF-16 unit, so the length fits in one varint byte (< 128):
      // write the bytes after a placeholder, then patch the length in.
      this.ensure(1 + n * 3);
      const at = this.len;
      const written = this.buf.write(s, at + 1, 'utf8');
      this.buf[at] = written;
      this.len = at + 1 + written;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.len += this.buf.write(s, this.len, bytes, 'utf8');
  }

  /** Appends all of `view` (a view kept by the caller, so no view is made per call). */
  appendView(view: Uint8Array): void {
    const n = view.length;
    this.ensure(n);
    this.buf.set(view, this.len);
    this.len += n;
  }

  /** Appends everything `other` holds. */
  append(other: ByteSink): void {
    this.bytes(other.buf, 0, other.len);
  }

  /** The written bytes (a view, valid until the next append). */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  reset(): void {
    this.len = 0;
  }

  /**
   * Gives back capacity far beyond what is held (after a refused request was rolled back),
   * so one oversized request does not pin its peak memory for the life of the process.
   */
  trim(keep: number): void {
    if (this.buf.length <= keep || this.buf.length <= this.len * 2) return;
    const next = Buffer.allocUnsafe(Math.max(keep, this.len));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}
