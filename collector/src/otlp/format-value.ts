/**
 * How attribute values become strings, matching the OpenTelemetry Collector's
 * `pcommon.Value.AsString()` (what its ClickHouse exporter stores): strings as is,
 * integers in decimal, doubles as ECMAScript `Number#toString` (Go formats them "as if
 * by ES6 number to string conversion"), booleans `true`/`false`, bytes in base64, and
 * arrays and maps as JSON with map keys sorted (Go's `encoding/json`).
 */

/** A signed 64-bit integer given as unsigned 32-bit halves, in decimal. */
export function int64ToString(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  if (hi < 0x0020_0000) return String(hi * 0x1_0000_0000 + lo);
  // Negative values whose magnitude is within 2^53 are exact as doubles too.
  if (hi >= 0xffe0_0000) return String((hi | 0) * 0x1_0000_0000 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** A double as the collector writes it. */
export function doubleToString(v: number): string {
  if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

/** A JSON-able tree for array and map attribute values; int64 beyond 2^53 stays exact. */
export type RawValue =
  | string
  | number
  | boolean
  | null
  | { int64: string }
  | { bytes: string }
  | RawValue[]
  | { map: [string, RawValue][] };

/**
 * A JSON string literal as Go's `encoding/json` writes it: like `JSON.stringify`, plus
 * `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u00XX` (HTML-safe output).
 */
function goJsonString(s: string): string {
  const json = JSON.stringify(s);
  return /[<>&\u2028\u2029]/.test(json)
    ? json.replace(
        /[<>&\u2028\u2029]/g,
        (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
    : json;
}

/** Serializes a nested attribute value as the collector does (sorted map keys). */
export function rawToJson(v: RawValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return goJsonString(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : goJsonString(doubleToString(v));
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (Array.isArray(v)) return `[${v.map(rawToJson).join(',')}]`;
  if ('int64' in v) return v.int64;
  if ('bytes' in v) return goJsonString(v.bytes);
  const entries = [...v.map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `{${entries.map(([k, x]) => `${goJsonString(k)}:${rawToJson(x)}`).join(',')}}`;
}
