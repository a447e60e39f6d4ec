/**
 * Enum value names of the OTLP protos, by number. OTLP/JSON sends enums as integers; the
 * names are accepted too, as protobuf JSON parsers accept them.
 */

export const SPAN_KIND_ENUM = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;

export const STATUS_CODE_ENUM = [
  'STATUS_CODE_UNSET',
  'STATUS_CODE_OK',
  'STATUS_CODE_ERROR',
] as const;

export const AGGREGATION_TEMPORALITY_ENUM = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
] as const;

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** `SEVERITY_NUMBER_UNSPECIFIED`, `SEVERITY_NUMBER_TRACE`, `..._TRACE2` ... `..._FATAL4`. */
export const SEVERITY_NUMBER_ENUM: readonly string[] = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...LEVELS.flatMap((l) => ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${l}${n}`)),
];
