import { OtlpDecodeError } from '../errors.js';

/** Raised for bytes that are not a well-formed protobuf message (answered with 400). */
export class ProtoDecodeError extends OtlpDecodeError {
  override readonly name = 'ProtoDecodeError';
}

/** Protobuf wire types. */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

// Scratch for reading little-endian doubles without allocating a DataView per value
// (every platform Node supports is little-endian).
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);

/**
 * A forward-only protobuf wire reader over one buffer.
 *
 * Written for the ingest hot path: no allocation per field, 64-bit values as two
 * 32-bit halves (`lo`, `hi`) instead of BigInt, and length-delimited fields returned as
 * an end offset into the same buffer so that callers copy bytes straight to the output.
 */
export class ProtoReader {
  pos = 0;
  /** Low and high 32 bits of the last `fixed64`/`varint64` read (unsigned). */
  lo = 0;
  hi = 0;

  constructor(readonly buf: Uint8Array) {}

  /** Reads a varint that must fit in 32 bits (tags, lengths, enums, counts). */
  uint32(): number {
    const b = this.buf;
    let p = this.pos;
    if (p >= b.length) throw this.error('truncated varint');
    let byte = b[p++]!;
    let v = byte & 0x7f;
    if (byte < 0x80) {
      this.pos = p;
      return v;
    }
    byte = b[p++]!;
    v |= (byte & 0x7f) << 7;
    if (byte < 0x80) return this.done(p, v);
    byte = b[p++]!;
    v |= (byte & 0x7f) << 14;
    if (byte < 0x80) return this.done(p, v);
    byte = b[p++]!;
    v |= (byte & 0x7f) << 21;
    if (byte < 0x80) return this.done(p, v);
    byte = b[p++]!;
    v = (v | ((byte & 0x0f) << 28)) >>> 0;
    if (byte < 0x80) return this.done(p, v);
    // Negative int32 values are sign-extended to 10 bytes: skip the rest.
    for (let i = 0; i < 5; i++) {
      if (p >= b.length) break;
      if (b[p++]! < 0x80) return this.done(p, v);
    }
    throw this.error(p > this.buf.length ? 'truncated varint' : 'malformed varint');
  }

  private done(p: number, v: number): number {
    if (p > this.buf.length) throw this.error('truncated varint');
    this.pos = p;
    return v;
  }

  /** Reads a full 64-bit varint into `lo`/`hi`. */
  varint64(): void {
    const b = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let byte: number;
    let shift = 0;
    for (; shift < 28; shift += 7) {
      byte = b[p++]!;
      lo |= (byte & 0x7f) << shift;
      if (byte < 0x80) return this.set64(p, lo, 0);
    }
    byte = b[p++]!;
    lo |= (byte & 0x0f) << 28;
    hi = (byte & 0x7f) >> 4;
    if (byte < 0x80) return this.set64(p, lo, hi);
    for (shift = 3; shift < 32; shift += 7) {
      byte = b[p++]!;
      hi |= (byte & 0x7f) << shift;
      if (byte < 0x80) return this.set64(p, lo, hi);
    }
    throw this.error(p > this.buf.length ? 'truncated varint' : 'malformed varint');
  }

  private set64(p: number, lo: number, hi: number): void {
    if (p > this.buf.length) throw this.error('truncated varint');
    this.pos = p;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** Reads a little-endian fixed64 into `lo`/`hi`. */
  fixed64(): void {
    const b = this.buf;
    const p = this.pos;
    if (p + 8 > b.length) throw this.error('truncated fixed64');
    this.lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    this.hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
    this.pos = p + 8;
  }

  fixed32(): number {
    const b = this.buf;
    const p = this.pos;
    if (p + 4 > b.length) throw this.error('truncated fixed32');
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  double(): number {
    const b = this.buf;
    const p = this.pos;
    if (p + 8 > b.length) throw this.error('truncated double');
    for (let i = 0; i < 8; i++) F64_BYTES[i] = b[p + i]!;
    this.pos = p + 8;
    return F64[0]!;
  }

  /** Reads a length prefix and returns the end offset of the field's bytes. */
  lenEnd(limit: number): number {
    const n = this.uint32();
    const end = this.pos + n;
    if (end > limit) throw this.error('length-delimited field runs past the end of its message');
    return end;
  }

  /** Skips a field of the given wire type. */
  skip(wire: number, limit: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.pos = this.lenEnd(limit);
        return;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw this.error(`unsupported wire type ${wire}`);
    }
    if (this.pos > limit) throw this.error('truncated field');
  }

  error(what: string): ProtoDecodeError {
    return new ProtoDecodeError(`invalid protobuf at byte ${this.pos}: ${what}`);
  }
}

/**
 * Calls `visit(fieldEnd)` for every occurrence of the length-delimited field `field` in the
 * message `[r.pos, end)`, with `r.pos` at the field's first byte; other fields are skipped
 * and `r.pos` ends at `end`. Repeated sub-messages (resources, scopes, records) are read
 * this way.
 */
export function eachField(
  r: ProtoReader,
  end: number,
  field: number,
  visit: (fieldEnd: number) => void,
): void {
  const wanted = (field << 3) | WIRE_LEN;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === wanted) {
      const e = r.lenEnd(end);
      visit(e);
      r.pos = e;
    } else r.skip(tag & 7, end);
  }
}
