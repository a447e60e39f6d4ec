import type { ByteSink } from '../../storage/native/byte-sink.js';
import type { MapColumn } from '../../storage/native/columns.js';
import { doubleToString, int64ToString, type RawValue, rawToJson } from '../format-value.js';
import type { AttributeLimits } from '../outcome.js';
import { type ProtoReader, WIRE_LEN } from './reader.js';

const TRUE = Buffer.from('\x04true');
const FALSE = Buffer.from('\x05false');

/**
 * Where `writeKeyValue` found the key of the entry it just kept, for a caller that looks at
 * keys while they are parsed once (`start` < 0: the entry was dropped or has no value).
 */
export class KeyRange {
  start = -1;
  end = -1;
}

/**
 * Appends the `KeyValue` message in `[r.pos, end)` to `map` as one entry (key bytes, the
 * value flattened to a string). Returns false, writing nothing, when the key or the value
 * is longer than `limits.maxAttributeBytes`: the caller rejects the record. Past
 * `limits.maxAttributes` entries in the open row the entry is dropped and counted. When
 * `key` is given it is set to the kept entry's key range.
 */
export function writeKeyValue(
  r: ProtoReader,
  end: number,
  map: MapColumn,
  limits: AttributeLimits,
  key?: KeyRange,
): boolean {
  if (map.offsets.count - map.offsets.closed >= limits.maxAttributes) {
    limits.droppedAttributes++;
    if (key) key.start = -1;
    r.pos = end;
    return true;
  }
  const maxBytes = limits.maxAttributeBytes;
  let ks = 0;
  let ke = 0;
  let vs = -1;
  let ve = -1;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if ((tag & 7) === WIRE_LEN && field === 1) {
      ke = r.lenEnd(end);
      ks = r.pos;
      r.pos = ke;
    } else if ((tag & 7) === WIRE_LEN && field === 2) {
      ve = r.lenEnd(end);
      vs = r.pos;
      r.pos = ve;
    } else {
      r.skip(tag & 7, end);
    }
  }
  if (ke - ks > maxBytes) return false;
  const save = r.pos;
  if (vs < 0) {
    map.keys.stringBytes(r.buf, ks, ke);
    map.values.u8(0);
  } else {
    const valuesAt = map.values.len;
    r.pos = vs;
    writeAnyValue(r, ve, map.values);
    // The Native string length prefix is a varint; the value bytes follow it.
    if (
      map.values.len - valuesAt > maxBytes + 1 &&
      stringLengthAt(map.values, valuesAt) > maxBytes
    ) {
      map.values.len = valuesAt;
      r.pos = save;
      return false;
    }
    map.keys.stringBytes(r.buf, ks, ke);
  }
  map.offsets.count++;
  if (key) {
    key.start = vs < 0 ? -1 : ks;
    key.end = ke;
  }
  r.pos = save;
  return true;
}

function stringLengthAt(sink: ByteSink, at: number): number {
  let v = 0;
  let shift = 0;
  const b = sink.buf;
  for (let p = at; ; p++) {
    const byte = b[p]!;
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return v;
    shift += 7;
  }
}

/** Appends the `AnyValue` in `[r.pos, end)` as a Native String. */
export function writeAnyValue(r: ProtoReader, end: number, out: ByteSink): void {
  if (r.pos >= end) {
    out.u8(0);
    return;
  }
  // A oneof: encoders write one field; if several appear, the last one wins.
  let kind = 0;
  let s = 0;
  let e = 0;
  let lo = 0;
  let hi = 0;
  let dbl = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 || field === 5 || field === 6 || field === 7) {
      if (wire !== WIRE_LEN) throw r.error(`AnyValue field ${field} has wire type ${wire}`);
      e = r.lenEnd(end);
      s = r.pos;
      r.pos = e;
      kind = field;
    } else if (field === 2 || field === 3) {
      r.varint64();
      lo = r.lo;
      hi = r.hi;
      kind = field;
    } else if (field === 4) {
      dbl = r.double();
      kind = 4;
    } else {
      r.skip(wire, end);
    }
  }
  switch (kind) {
    case 1:
      out.stringBytes(r.buf, s, e);
      return;
    case 2:
      out.bytes(lo !== 0 || hi !== 0 ? TRUE : FALSE, 0, lo !== 0 || hi !== 0 ? 5 : 6);
      return;
    case 3:
      // Number text is ASCII: written without the UTF-8 encoder, and without a string at
      // all below 2^32.
      if (hi === 0) out.decimal(lo);
      else out.ascii(int64ToString(lo, hi));
      return;
    case 4:
      out.ascii(doubleToString(dbl));
      return;
    case 7:
      out.string(Buffer.from(r.buf.buffer, r.buf.byteOffset + s, e - s).toString('base64'));
      return;
    case 5:
    case 6: {
      r.pos = s;
      // An array of plain ASCII strings is written as it is read; anything else is read
      // into a value tree first.
      if (kind === 5 && writeStringArrayJson(r, e, out)) {
        r.pos = end;
        return;
      }
      r.pos = s;
      const raw = kind === 5 ? readArray(r, e, 1) : readKvList(r, e, 1);
      r.pos = end;
      out.string(rawToJson(raw));
      return;
    }
    default:
      out.u8(0);
  }
}

/** 1 for the bytes a JSON string holds as they are (Go's HTML-safe encoder), else 0. */
const JSON_PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) JSON_PLAIN[c] = 1;
for (const c of '"\\<>&') JSON_PLAIN[c.charCodeAt(0)] = 0;

/**
 * Writes the `ArrayValue` in `[r.pos, end)` as its JSON text (`["stop","length"]`) straight
 * from the request's bytes when every element is a string of printable ASCII that JSON
 * leaves as is (no `"`, `\\`, and none of the `<`, `>`, `&` that Go's encoder escapes):
 * the common array attribute (`gen_ai.response.finish_reasons`), without the value tree
 * and the strings `rawToJson` builds. Returns false, having written nothing, otherwise.
 */
function writeStringArrayJson(r: ProtoReader, end: number, out: ByteSink): boolean {
  const b = r.buf;
  const start = r.pos;
  // First pass: check every element and add up the JSON text's length.
  let n = 2;
  let count = 0;
  while (r.pos < end) {
    if (r.uint32() !== ((1 << 3) | WIRE_LEN)) return false;
    const ee = r.lenEnd(end);
    // The element must be exactly one string_value field.
    if (r.pos >= ee || r.uint32() !== ((1 << 3) | WIRE_LEN)) return false;
    const se = r.lenEnd(ee);
    if (se !== ee) return false;
    for (let i = r.pos; i < se; i++) if (JSON_PLAIN[b[i]!] === 0) return false;
    n += se - r.pos + 2 + (count > 0 ? 1 : 0);
    count++;
    r.pos = se;
  }
  // Second pass: the elements are known to be well formed.
  out.varint(n);
  out.ensure(n);
  const o = out.buf;
  let p = out.len;
  o[p++] = 0x5b; // [
  r.pos = start;
  for (let k = 0; k < count; k++) {
    r.uint32();
    const ee = r.lenEnd(end);
    r.uint32();
    const se = r.lenEnd(ee);
    if (k > 0) o[p++] = 0x2c; // ,
    o[p++] = 0x22; // "
    for (let i = r.pos; i < se; i++) o[p++] = b[i]!;
    o[p++] = 0x22;
    r.pos = se;
  }
  o[p++] = 0x5d; // ]
  out.len = p;
  return true;
}

/**
 * Array and map values nest; past this depth the request is refused rather than letting a
 * small body exhaust the stack (a few bytes per level).
 */
export const MAX_VALUE_DEPTH = 64;

function readAnyRaw(r: ProtoReader, end: number, depth: number): RawValue {
  let v: RawValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire === WIRE_LEN && (field === 1 || field === 5 || field === 6 || field === 7)) {
      const e = r.lenEnd(end);
      if (field === 1)
        v = Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, e - r.pos).toString();
      else if (field === 7)
        v = {
          bytes: Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, e - r.pos).toString('base64'),
        };
      else v = field === 5 ? readArray(r, e, depth + 1) : readKvList(r, e, depth + 1);
      r.pos = e;
    } else if (field === 2 && wire === 0) {
      r.varint64();
      v = r.lo !== 0 || r.hi !== 0;
    } else if (field === 3 && wire === 0) {
      r.varint64();
      const text = int64ToString(r.lo, r.hi);
      const n = Number(text);
      v = Number.isSafeInteger(n) ? n : { int64: text };
    } else if (field === 4 && wire === 1) {
      v = r.double();
    } else {
      r.skip(wire, end);
    }
  }
  return v;
}

function readArray(r: ProtoReader, end: number, depth: number): RawValue[] {
  if (depth > MAX_VALUE_DEPTH) throw r.error(`values nested deeper than ${MAX_VALUE_DEPTH}`);
  const out: RawValue[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) {
      const e = r.lenEnd(end);
      out.push(readAnyRaw(r, e, depth));
      r.pos = e;
    } else r.skip(tag & 7, end);
  }
  return out;
}

function readKvList(r: ProtoReader, end: number, depth: number): { map: [string, RawValue][] } {
  if (depth > MAX_VALUE_DEPTH) throw r.error(`values nested deeper than ${MAX_VALUE_DEPTH}`);
  const entries: [string, RawValue][] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) {
      const e = r.lenEnd(end);
      let key = '';
      let value: RawValue = null;
      while (r.pos < e) {
        const t = r.uint32();
        if (t === ((1 << 3) | WIRE_LEN)) {
          const ke = r.lenEnd(e);
          key = Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, ke - r.pos).toString();
          r.pos = ke;
        } else if (t === ((2 << 3) | WIRE_LEN)) {
          const ve = r.lenEnd(e);
          value = readAnyRaw(r, ve, depth);
          r.pos = ve;
        } else r.skip(t & 7, e);
      }
      entries.push([key, value]);
      r.pos = e;
    } else r.skip(tag & 7, end);
  }
  return { map: entries };
}
