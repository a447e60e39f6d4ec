/**
 * A minimal protobuf wire-format writer: just what OTLP metrics need (varint, fixed64,
 * double, length-delimited). Sub-messages are written into their own writer and copied in
 * with a length prefix, which keeps the code obvious; a collection is tens of kilobytes.
 */
export class ProtobufWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far (a copy-free view). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Field tag: field number and wire type (0 varint, 1 fixed64, 2 length-delimited). */
  tag(field: number, wireType: 0 | 1 | 2): this {
    return this.varint(field * 8 + wireType);
  }

  /** Unsigned varint for non-negative safe integers. */
  varint(value: number): this {
    this.ensure(10);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Signed 64-bit varint (`int64`), two's complement for negatives. */
  int64(value: number): this {
    if (value >= 0) return this.varint(value);
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  /** `fixed64` from a bigint (used for nanosecond timestamps). */
  fixed64(value: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  double(value: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  /** Length-delimited bytes (strings, sub-messages). */
  bytes(data: Uint8Array): this {
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  string(value: string): this {
    return this.bytes(utf8.encode(value));
  }

  /** Raw bytes, already framed (e.g. a cached encoded field). */
  raw(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

const utf8 = new TextEncoder();
