import type { ByteSink } from '../../storage/native/byte-sink.js';
import { OtlpDecodeError } from '../errors.js';
import { doubleToString } from '../format-value.js';

/**
 * Readers for the scalar fields of OTLP/JSON (the proto3 JSON mapping with OTLP's
 * deviations: ids in hex, enums as integers). Each takes the raw `JSON.parse` value and the
 * field's name, returns the field's value (its default when absent or `null`) and throws
 * `JsonShapeError` for a value of the wrong type.
 *
 * What the decoders accept, beyond the canonical form the exporters send:
 * - field names in lowerCamelCase and in the protos' snake_case (as protobuf JSON parsers
 *   do); unknown fields are ignored, `null` is the field's default; fields that are not
 *   stored (`droppedAttributesCount` of spans, ...) are not looked at, as in protobuf;
 * - trace and span ids in hex of either case (never base64), stored lowercase;
 * - enums as integers or as their proto names (`SPAN_KIND_SERVER`);
 * - 64-bit integers as decimal strings (exact) or JSON numbers (doubles, as `JSON.parse`
 *   reads them); 32-bit integers as numbers or decimal strings;
 * - doubles as numbers, `"NaN"`, `"Infinity"`, `"-Infinity"` or numeric strings;
 * - `bytes` in standard or URL-safe base64, padded or not;
 * - an empty or blank body as an empty request; a UTF-8 byte order mark is skipped.
 */

/** A JSON object as `JSON.parse` returns it. */
export type JsonObject = Record<string, unknown>;

/**
 * A body that is JSON but not the OTLP message it claims to be. `path` is where, from the
 * request's root (`resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano`), built on
 * the way out by `within` so that decoding pays nothing for it until something is wrong.
 */
export class JsonShapeError extends OtlpDecodeError {
  override readonly name = 'JsonShapeError';
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path || 'request body'}: expected ${expected}`);
  }
}

/** Prefixes the path of a `JsonShapeError` thrown below `key` (and `key[index]`). */
export function within(e: unknown, key: string, index?: number): unknown {
  if (!(e instanceof JsonShapeError)) return e;
  const seg = index === undefined ? key : `${key}[${index}]`;
  const path =
    e.path === '' ? seg : e.path.charCodeAt(0) === 91 ? seg + e.path : `${seg}.${e.path}`;
  return new JsonShapeError(path, e.expected);
}

/** Parses a request body; a body of only whitespace is an empty request. */
export function parseBody(body: Uint8Array): JsonObject {
  let text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // A UTF-8 byte order mark is not JSON, but some clients send one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return {};
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(`invalid JSON: ${(e as Error).message}`);
  }
  return object(root, '');
}

export function object(v: unknown, field: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new JsonShapeError(field, 'an object');
  return v as JsonObject;
}

/** A repeated field: an array, or empty when absent. */
export function array(v: unknown, field: string): unknown[] {
  if (v == null) return EMPTY_ARRAY;
  if (!Array.isArray(v)) throw new JsonShapeError(field, 'an array');
  return v;
}
const EMPTY_ARRAY: unknown[] = [];

export function string(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  if (v == null) return '';
  throw new JsonShapeError(field, 'a string');
}

export function boolean(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v == null) return false;
  throw new JsonShapeError(field, 'true or false');
}

const INT_TEXT = /^-?[0-9]+$/;
const NUMBER_TEXT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const TWO_32 = 0x1_0000_0000;
const U64_LIMIT = 1n << 64n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const INTEGER = 'an integer as a decimal string or number';
const DOUBLE = 'a number (or "NaN", "Infinity", "-Infinity")';

/** Low and high 32-bit halves of the last `uint64` read (no BigInt on the common path). */
export const u64 = { lo: 0, hi: 0 };

/**
 * Reads an unsigned 64-bit integer (`fixed64` times and counts, `uint64` bucket counts)
 * into `u64`. Decimal strings are exact; JSON numbers are doubles, as `JSON.parse` and
 * JavaScript producers hold them.
 */
export function uint64(v: unknown, field: string): void {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) throw new JsonShapeError(field, `${INTEGER} (unsigned)`);
    if (v <= Number.MAX_SAFE_INTEGER) {
      u64.lo = v % TWO_32;
      u64.hi = Math.floor(v / TWO_32);
      return;
    }
    setU64(BigInt(v), field);
    return;
  }
  if (typeof v === 'string') {
    if (!INT_TEXT.test(v)) throw new JsonShapeError(field, INTEGER);
    if (v.length <= 15 && v.charCodeAt(0) !== 45) {
      const n = Number(v);
      u64.lo = n % TWO_32;
      u64.hi = Math.floor(n / TWO_32);
      return;
    }
    setU64(BigInt(v), field);
    return;
  }
  if (v == null) {
    u64.lo = 0;
    u64.hi = 0;
    return;
  }
  throw new JsonShapeError(field, INTEGER);
}

function setU64(b: bigint, field: string): void {
  if (b < 0n || b >= U64_LIMIT)
    throw new JsonShapeError(field, `${INTEGER} within the unsigned 64-bit range`);
  u64.lo = Number(b & 0xffff_ffffn);
  u64.hi = Number(b >> 32n);
}

/**
 * A signed 64-bit integer (`AnyValue.int_value`) as canonical decimal text. JSON numbers
 * beyond 2^53 are doubles already and are taken at their exact value. A number outside the
 * int64 range stays the double it is: the OpenTelemetry JS JSON exporter sends every
 * integral number as `intValue` (1.5e300 included), where its protobuf exporter sends
 * `double_value`, and both must store the same text.
 */
export function int64Text(v: unknown, field: string): string {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new JsonShapeError(field, INTEGER);
    if (Number.isSafeInteger(v)) return Object.is(v, -0) ? '0' : String(v);
    if (v < -(2 ** 63) || v >= 2 ** 63) return doubleToString(v);
    return BigInt(v).toString();
  }
  if (typeof v === 'string') {
    if (!INT_TEXT.test(v)) throw new JsonShapeError(field, INTEGER);
    if (v.length <= 15) {
      const n = Number(v);
      return Object.is(n, -0) ? '0' : String(n);
    }
    const b = BigInt(v);
    if (b < I64_MIN || b > I64_MAX)
      throw new JsonShapeError(field, `${INTEGER} within the signed 64-bit range`);
    return b.toString();
  }
  if (v == null) return '0';
  throw new JsonShapeError(field, INTEGER);
}

/** A signed 64-bit integer (`as_int`) as the double the column stores. */
export function int64Number(v: unknown, field: string): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new JsonShapeError(field, INTEGER);
    return v;
  }
  return Number(int64Text(v, field));
}

/** A 32-bit integer field (`flags`, `dropped_attributes_count`, `scale`, `offset`). */
export function int32(v: unknown, field: string, unsigned: boolean): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && INT_TEXT.test(v)) n = Number(v);
  else if (v == null) return 0;
  else throw new JsonShapeError(field, 'an integer');
  if (!Number.isInteger(n) || (unsigned ? n < 0 || n > 0xffff_ffff : n !== (n | 0)))
    throw new JsonShapeError(field, unsigned ? 'an unsigned 32-bit integer' : 'a 32-bit integer');
  return n;
}

/**
 * An enum: OTLP/JSON sends integers; the proto3 JSON names (`SPAN_KIND_SERVER`) are
 * accepted too, as protobuf JSON parsers do.
 */
export function enumValue(v: unknown, field: string, names: readonly string[]): number {
  if (typeof v === 'number') {
    if (v !== (v | 0)) throw new JsonShapeError(field, 'an enum as an integer');
    return v;
  }
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i < 0)
      throw new JsonShapeError(field, `an enum as an integer or one of ${names.join(', ')}`);
    return i;
  }
  if (v == null) return 0;
  throw new JsonShapeError(field, 'an enum as an integer');
}

/** A double: a number, or one of the strings `NaN`, `Infinity`, `-Infinity`, or a number. */
export function double(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (NUMBER_TEXT.test(v)) return Number(v);
  }
  if (v == null) return 0;
  throw new JsonShapeError(field, DOUBLE);
}

/** `repeated fixed64`/`uint64` appended to `out`; returns the count. */
export function uint64Array(v: unknown, field: string, out: ByteSink): number {
  const list = array(v, field);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    // The SDKs send small counts as numbers: skip the general reader for them.
    if (typeof x === 'number' && x >= 0 && x <= 0xffff_ffff && x === x >>> 0) out.u64(x, 0);
    else {
      try {
        if (x == null) throw new JsonShapeError('', INTEGER);
        uint64(x, '');
      } catch (e) {
        throw within(e, field, i);
      }
      out.u64(u64.lo, u64.hi);
    }
  }
  return list.length;
}

/** `repeated double` appended to `out`; returns the count. */
export function doubleArray(v: unknown, field: string, out: ByteSink): number {
  const list = array(v, field);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x === 'number') out.f64(x);
    else {
      try {
        if (x == null) throw new JsonShapeError('', DOUBLE);
        out.f64(double(x, ''));
      } catch (e) {
        throw within(e, field, i);
      }
    }
  }
  return list.length;
}

/**
 * A trace or span id: hex (case-insensitive, OTLP/JSON's deviation from base64), returned
 * in lowercase; `''` when absent. Its byte length is half the string's.
 */
export function hexId(v: unknown, field: string): string {
  if (v == null) return '';
  if (typeof v !== 'string') throw new JsonShapeError(field, 'a hex string');
  let upper = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
    if (c >= 65 && c <= 70) upper = true;
    else throw new JsonShapeError(field, 'a hex string');
  }
  if (v.length % 2 !== 0) throw new JsonShapeError(field, 'a hex string of whole bytes');
  return upper ? v.toLowerCase() : v;
}

/** True when a hex id is all zeros (invalid for spans). */
export function isZeroHex(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return false;
  return true;
}

const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/** A `bytes` field in base64 (standard or URL-safe, padded or not), re-encoded canonically. */
export function base64(v: unknown, field: string): string {
  if (v == null) return '';
  if (typeof v !== 'string' || !BASE64.test(v) || v.replace(/=+$/, '').length % 4 === 1)
    throw new JsonShapeError(field, 'a base64 string');
  return Buffer.from(v, 'base64').toString('base64');
}

/**
 * Calls `visit` with each element of `list` as an object; an error from an element is
 * re-thrown with `field[i]` prefixed to its JSON path.
 */
export function eachObject(list: unknown[], field: string, visit: (o: JsonObject) => void): void {
  for (let i = 0; i < list.length; i++) {
    try {
      visit(object(list[i], ''));
    } catch (e) {
      throw within(e, field, i);
    }
  }
}

/** Runs `read`; an error from it is re-thrown with `field` prefixed to its JSON path. */
export function inField<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw within(e, field);
  }
}
