/**
 * Enum values as the OpenTelemetry Collector's ClickHouse exporter stores them, pre-encoded
 * as Native Strings (length byte + text) so that rows copy bytes instead of strings.
 */
function nativeStrings(names: string[]): Buffer[] {
  return names.map((n) => Buffer.concat([Buffer.from([Buffer.byteLength(n)]), Buffer.from(n)]));
}

/** `SpanKind` by OTLP enum value: `Client`, `Server`, ... */
export const SPAN_KIND_NAMES = [
  'Unspecified',
  'Internal',
  'Server',
  'Client',
  'Producer',
  'Consumer',
];
export const SPAN_KINDS = nativeStrings(SPAN_KIND_NAMES);
/** `StatusCode` by OTLP enum value: `Unset`, `Ok`, `Error`. */
export const STATUS_CODE_NAMES = ['Unset', 'Ok', 'Error'];
export const STATUS_CODES = nativeStrings(STATUS_CODE_NAMES);
/** An empty Native String. */
export const EMPTY = Buffer.from([0]);
