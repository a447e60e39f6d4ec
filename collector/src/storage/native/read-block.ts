/**
 * A reader for the ClickHouse Native blocks our writers produce, so that tests can check
 * what a decoder wrote without an engine. Pure: bytes in, values out.
 *
 * Values: `String` → string; `UInt8`/`UInt32`/`Int32`/`Float64` → number; `UInt64` and
 * `DateTime64(9)` → bigint (nanoseconds for the latter); `Bool` → boolean;
 * `Map(String, String)` → `[key, value][]`; `Array(T)` → `T[]`.
 */

export type NativeValue = string | number | bigint | boolean | [string, string][] | NativeValue[];

export interface NativeColumnData {
  name: string;
  type: string;
  values: NativeValue[];
}

export interface NativeBlockData {
  rows: number;
  columns: NativeColumnData[];
}

/** Reads one Native block; throws on bytes it cannot read or bytes left over. */
export function readNativeBlock(buf: Uint8Array): NativeBlockData {
  const r = new Cursor(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  const ncols = r.varint();
  const rows = r.varint();
  const columns: NativeColumnData[] = [];
  for (let i = 0; i < ncols; i++) {
    const name = r.string();
    const type = r.string();
    columns.push({ name, type, values: readColumn(r, type, rows) });
  }
  if (r.pos !== r.buf.length)
    throw new Error(`Native block has ${r.buf.length - r.pos} bytes left over`);
  return { rows, columns };
}

/** The block's rows as objects keyed by column name (`Events.Name` stays a flat key). */
export function nativeRows(block: NativeBlockData): Record<string, NativeValue>[] {
  const out: Record<string, NativeValue>[] = [];
  for (let i = 0; i < block.rows; i++) {
    const row: Record<string, NativeValue> = {};
    for (const c of block.columns) row[c.name] = c.values[i]!;
    out.push(row);
  }
  return out;
}

function readColumn(r: Cursor, type: string, n: number): NativeValue[] {
  const inner = unwrap(type, 'Array(');
  if (inner !== undefined) {
    const ends = r.offsets(n);
    const total = n === 0 ? 0 : ends[n - 1]!;
    const items = readColumn(r, inner, total);
    return ends.map((end, i) => items.slice(i === 0 ? 0 : ends[i - 1], end));
  }
  const map = unwrap(type, 'Map(');
  if (map !== undefined) {
    if (map !== 'String, String') throw new Error(`unsupported Native type ${type}`);
    const ends = r.offsets(n);
    const total = n === 0 ? 0 : ends[n - 1]!;
    const keys = readColumn(r, 'String', total) as string[];
    const values = readColumn(r, 'String', total) as string[];
    return ends.map((end, i) => {
      const entries: [string, string][] = [];
      for (let j = i === 0 ? 0 : ends[i - 1]!; j < end; j++) entries.push([keys[j]!, values[j]!]);
      return entries;
    });
  }
  const out: NativeValue[] = new Array(n);
  const read = SCALARS[type];
  if (!read) throw new Error(`unsupported Native type ${type}`);
  for (let i = 0; i < n; i++) out[i] = read(r);
  return out;
}

function unwrap(type: string, prefix: string): string | undefined {
  return type.startsWith(prefix) && type.endsWith(')') ? type.slice(prefix.length, -1) : undefined;
}

const SCALARS: Record<string, (r: Cursor) => NativeValue> = {
  String: (r) => r.string(),
  UInt8: (r) => r.take(1).readUInt8(0),
  Bool: (r) => {
    const v = r.take(1).readUInt8(0);
    if (v > 1) throw new Error(`Bool byte ${v} is not 0 or 1`);
    return v === 1;
  },
  UInt32: (r) => r.take(4).readUInt32LE(0),
  Int32: (r) => r.take(4).readInt32LE(0),
  UInt64: (r) => r.take(8).readBigUInt64LE(0),
  'DateTime64(9)': (r) => r.take(8).readBigInt64LE(0),
  Float64: (r) => r.take(8).readDoubleLE(0),
};

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  take(n: number): Buffer {
    if (this.pos + n > this.buf.length)
      throw new Error(`Native block truncated at byte ${this.pos} (wanted ${n} more)`);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const byte = this.take(1)[0]!;
      v += (byte & 0x7f) * mul;
      if (byte < 0x80) return v;
      mul *= 128;
      if (mul > 2 ** 56) throw new Error('Native varint too long');
    }
  }

  string(): string {
    return this.take(this.varint()).toString('utf8');
  }

  /** `n` cumulative UInt64 offsets, which must not decrease. */
  offsets(n: number): number[] {
    const out: number[] = new Array(n);
    let last = 0;
    for (let i = 0; i < n; i++) {
      const v = Number(this.take(8).readBigUInt64LE(0));
      if (v < last) throw new Error(`Native offsets decrease at ${i}: ${v} after ${last}`);
      out[i] = last = v;
    }
    return out;
  }
}
