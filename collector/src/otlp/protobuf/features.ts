import type { FeatureRows } from '../feature-rows.js';
import { int64ToString } from '../format-value.js';
import { type ProtoReader, WIRE_LEN } from './reader.js';

const FEATURE = Buffer.from('aiobs.feature.');
const PREDICTION = Buffer.from('aiobs.prediction.');
const AIOBS = Buffer.from('aiobs.');

/** True when `buf[ks, ke)` starts with `prefix` (no string made). */
function startsWith(buf: Uint8Array, ks: number, ke: number, prefix: Uint8Array): boolean {
  if (ke - ks < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[ks + i] !== prefix[i]) return false;
  return true;
}

/**
 * True when the key `buf[ks, ke)` is `aiobs.feature.<name>`, or one of
 * `aiobs.prediction.value|label|score` (all 22 bytes long), but not `aiobs.prediction.id`,
 * which most inference spans carry. The trace decoder tests each kept key with it.
 */
export function isDriftInput(buf: Uint8Array, ks: number, ke: number): boolean {
  if (startsWith(buf, ks, ke, FEATURE)) return ke - ks > FEATURE.length;
  if (ke - ks !== 22 || !startsWith(buf, ks, ke, PREDICTION)) return false;
  const c = buf[ks + 17];
  return c === 0x76 /* v */ || c === 0x6c /* l */ || c === 0x73 /* s */;
}

/** The key range of the `KeyValue` in `[r.pos, end)`, and its value range (vs < 0: none). */
class KeyValueRanges {
  ks = 0;
  ke = 0;
  vs = -1;
  ve = -1;
  read(r: ProtoReader, end: number): void {
    this.ks = 0;
    this.ke = 0;
    this.vs = -1;
    this.ve = -1;
    while (r.pos < end) {
      const tag = r.uint32();
      if ((tag & 7) === WIRE_LEN && tag >>> 3 === 1) {
        this.ke = r.lenEnd(end);
        this.ks = r.pos;
        r.pos = this.ke;
      } else if ((tag & 7) === WIRE_LEN && tag >>> 3 === 2) {
        this.ve = r.lenEnd(end);
        this.vs = r.pos;
        r.pos = this.ve;
      } else r.skip(tag & 7, end);
    }
  }
}
const kv = new KeyValueRanges();

/**
 * Second look at a span's `KeyValue` ranges (`[start, end)` pairs in the first `used`
 * entries of `attrs`; the first `max` ranges, as many as the span row kept), made only for
 * a span the decoder saw a drift input in (`isDriftInput`, most spans have none: features
 * are sampled): the keys `rows.wants()` takes have their typed `AnyValue` recorded. Leaves
 * `r.pos` where it found it.
 */
export function collectFeaturesProto(
  r: ProtoReader,
  attrs: readonly number[],
  used: number,
  max: number,
  rows: FeatureRows,
): void {
  const save = r.pos;
  const buf = r.buf;
  const n = Math.min(used, 2 * max);
  for (let i = 0; i < n; i += 2) {
    r.pos = attrs[i]!;
    kv.read(r, attrs[i + 1]!);
    const c = buf[kv.ks];
    const n = kv.ke - kv.ks;
    // Keys rows.wants() may take start with "aiobs.", or are gen_ai.request.model (20
    // bytes) and gen_ai.response.model (21): the others (most gen_ai.* keys of an
    // inference span) are passed over without making their string.
    if (kv.vs < 0 || n < 6) continue;
    if (c === 0x67 ? n !== 20 && n !== 21 : c !== 0x61 || !startsWith(buf, kv.ks, kv.ke, AIOBS))
      continue;
    const key = text(buf, kv.ks, kv.ke);
    if (!rows.wants(key)) continue;
    const ve = kv.ve;
    r.pos = kv.vs;
    const v = scalar(r, ve);
    if (v !== undefined) rows.value(key, v);
  }
  r.pos = save;
}

/** UTF-8 text of `buf[s, e)`: without a Buffer view per call when the body is a Buffer. */
function text(buf: Uint8Array, s: number, e: number): string {
  return Buffer.isBuffer(buf)
    ? buf.toString('utf8', s, e)
    : Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString();
}

/** A scalar `AnyValue` (string, bool, int, double) in `[r.pos, end)`; undefined otherwise. */
function scalar(r: ProtoReader, end: number): number | string | boolean | undefined {
  let v: number | string | boolean | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_LEN) {
      const e = r.lenEnd(end);
      v = text(r.buf, r.pos, e);
      r.pos = e;
    } else if (field === 2 && wire === 0) {
      r.varint64();
      v = r.lo !== 0 || r.hi !== 0;
    } else if (field === 3 && wire === 0) {
      r.varint64();
      v = r.hi === 0 ? r.lo : Number(int64ToString(r.lo, r.hi));
    } else if (field === 4 && wire === 1) {
      v = r.double();
    } else {
      // Arrays, maps and bytes are not feature values; the last field wins (a oneof).
      if (wire === WIRE_LEN && field >= 5 && field <= 7) v = undefined;
      r.skip(wire, end);
    }
  }
  return v;
}
