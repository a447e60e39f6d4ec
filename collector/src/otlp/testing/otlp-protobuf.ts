/**
 * Test support: encodes an OTLP/JSON request (lowerCamelCase, ids in hex, 64-bit integers
 * as strings or numbers, enums as integers, bytes in base64) as OTLP protobuf, from a table
 * of the OTLP protos' field numbers and types. Tests write one request and decode it in
 * both encodings; the fixture script uses it for the messages the JS SDK cannot produce
 * (summaries, exemplars). Not used at run time.
 */

type Scalar =
  | 'string'
  | 'bytes'
  | 'id'
  | 'bool'
  | 'double'
  | 'fixed64'
  | 'sfixed64'
  | 'fixed32'
  | 'int64'
  | 'uint32'
  | 'enum'
  | 'sint32'
  | 'uint64';
/** [field number, type (a scalar or a message name), repeated] */
type Field = [number, Scalar | string, boolean?];
type Schema = Record<string, Record<string, Field>>;

const KV: Field = [0, 'KeyValue', true];
const kv = (n: number): Field => [n, KV[1], true];

const SCHEMA: Schema = {
  ExportTraceServiceRequest: { resourceSpans: [1, 'ResourceSpans', true] },
  ExportMetricsServiceRequest: { resourceMetrics: [1, 'ResourceMetrics', true] },
  ExportLogsServiceRequest: { resourceLogs: [1, 'ResourceLogs', true] },
  Resource: { attributes: kv(1), droppedAttributesCount: [2, 'uint32'] },
  InstrumentationScope: {
    name: [1, 'string'],
    version: [2, 'string'],
    attributes: kv(3),
    droppedAttributesCount: [4, 'uint32'],
  },
  KeyValue: { key: [1, 'string'], value: [2, 'AnyValue'] },
  AnyValue: {
    stringValue: [1, 'string'],
    boolValue: [2, 'bool'],
    intValue: [3, 'int64'],
    doubleValue: [4, 'double'],
    arrayValue: [5, 'ArrayValue'],
    kvlistValue: [6, 'KeyValueList'],
    bytesValue: [7, 'bytes'],
  },
  ArrayValue: { values: [1, 'AnyValue', true] },
  KeyValueList: { values: kv(1) },
  ResourceSpans: {
    resource: [1, 'Resource'],
    scopeSpans: [2, 'ScopeSpans', true],
    schemaUrl: [3, 'string'],
  },
  ScopeSpans: {
    scope: [1, 'InstrumentationScope'],
    spans: [2, 'Span', true],
    schemaUrl: [3, 'string'],
  },
  Span: {
    traceId: [1, 'id'],
    spanId: [2, 'id'],
    traceState: [3, 'string'],
    parentSpanId: [4, 'id'],
    flags: [16, 'fixed32'],
    name: [5, 'string'],
    kind: [6, 'enum'],
    startTimeUnixNano: [7, 'fixed64'],
    endTimeUnixNano: [8, 'fixed64'],
    attributes: kv(9),
    droppedAttributesCount: [10, 'uint32'],
    events: [11, 'Event', true],
    droppedEventsCount: [12, 'uint32'],
    links: [13, 'Link', true],
    droppedLinksCount: [14, 'uint32'],
    status: [15, 'Status'],
  },
  Event: {
    timeUnixNano: [1, 'fixed64'],
    name: [2, 'string'],
    attributes: kv(3),
    droppedAttributesCount: [4, 'uint32'],
  },
  Link: {
    traceId: [1, 'id'],
    spanId: [2, 'id'],
    traceState: [3, 'string'],
    attributes: kv(4),
    droppedAttributesCount: [5, 'uint32'],
    flags: [6, 'fixed32'],
  },
  Status: { message: [2, 'string'], code: [3, 'enum'] },
  ResourceMetrics: {
    resource: [1, 'Resource'],
    scopeMetrics: [2, 'ScopeMetrics', true],
    schemaUrl: [3, 'string'],
  },
  ScopeMetrics: {
    scope: [1, 'InstrumentationScope'],
    metrics: [2, 'Metric', true],
    schemaUrl: [3, 'string'],
  },
  Metric: {
    name: [1, 'string'],
    description: [2, 'string'],
    unit: [3, 'string'],
    gauge: [5, 'Gauge'],
    sum: [7, 'Sum'],
    histogram: [9, 'Histogram'],
    exponentialHistogram: [10, 'ExponentialHistogram'],
    summary: [11, 'Summary'],
    metadata: kv(12),
  },
  Gauge: { dataPoints: [1, 'NumberDataPoint', true] },
  Sum: {
    dataPoints: [1, 'NumberDataPoint', true],
    aggregationTemporality: [2, 'enum'],
    isMonotonic: [3, 'bool'],
  },
  Histogram: {
    dataPoints: [1, 'HistogramDataPoint', true],
    aggregationTemporality: [2, 'enum'],
  },
  ExponentialHistogram: {
    dataPoints: [1, 'ExponentialHistogramDataPoint', true],
    aggregationTemporality: [2, 'enum'],
  },
  Summary: { dataPoints: [1, 'SummaryDataPoint', true] },
  NumberDataPoint: {
    attributes: kv(7),
    startTimeUnixNano: [2, 'fixed64'],
    timeUnixNano: [3, 'fixed64'],
    asDouble: [4, 'double'],
    asInt: [6, 'sfixed64'],
    exemplars: [5, 'Exemplar', true],
    flags: [8, 'uint32'],
  },
  HistogramDataPoint: {
    attributes: kv(9),
    startTimeUnixNano: [2, 'fixed64'],
    timeUnixNano: [3, 'fixed64'],
    count: [4, 'fixed64'],
    sum: [5, 'double'],
    bucketCounts: [6, 'fixed64', true],
    explicitBounds: [7, 'double', true],
    exemplars: [8, 'Exemplar', true],
    flags: [10, 'uint32'],
    min: [11, 'double'],
    max: [12, 'double'],
  },
  ExponentialHistogramDataPoint: {
    attributes: kv(1),
    startTimeUnixNano: [2, 'fixed64'],
    timeUnixNano: [3, 'fixed64'],
    count: [4, 'fixed64'],
    sum: [5, 'double'],
    scale: [6, 'sint32'],
    zeroCount: [7, 'fixed64'],
    positive: [8, 'Buckets'],
    negative: [9, 'Buckets'],
    flags: [10, 'uint32'],
    exemplars: [11, 'Exemplar', true],
    min: [12, 'double'],
    max: [13, 'double'],
    zeroThreshold: [14, 'double'],
  },
  Buckets: { offset: [1, 'sint32'], bucketCounts: [2, 'uint64', true] },
  SummaryDataPoint: {
    attributes: kv(7),
    startTimeUnixNano: [2, 'fixed64'],
    timeUnixNano: [3, 'fixed64'],
    count: [4, 'fixed64'],
    sum: [5, 'double'],
    quantileValues: [6, 'ValueAtQuantile', true],
    flags: [8, 'uint32'],
  },
  ValueAtQuantile: { quantile: [1, 'double'], value: [2, 'double'] },
  Exemplar: {
    filteredAttributes: kv(7),
    timeUnixNano: [2, 'fixed64'],
    asDouble: [3, 'double'],
    asInt: [6, 'sfixed64'],
    spanId: [4, 'id'],
    traceId: [5, 'id'],
  },
  ResourceLogs: {
    resource: [1, 'Resource'],
    scopeLogs: [2, 'ScopeLogs', true],
    schemaUrl: [3, 'string'],
  },
  ScopeLogs: {
    scope: [1, 'InstrumentationScope'],
    logRecords: [2, 'LogRecord', true],
    schemaUrl: [3, 'string'],
  },
  LogRecord: {
    timeUnixNano: [1, 'fixed64'],
    observedTimeUnixNano: [11, 'fixed64'],
    severityNumber: [2, 'enum'],
    severityText: [3, 'string'],
    body: [5, 'AnyValue'],
    attributes: kv(6),
    droppedAttributesCount: [7, 'uint32'],
    flags: [8, 'fixed32'],
    traceId: [9, 'id'],
    spanId: [10, 'id'],
    eventName: [12, 'string'],
  },
};

export type OtlpRequestType =
  | 'ExportTraceServiceRequest'
  | 'ExportMetricsServiceRequest'
  | 'ExportLogsServiceRequest';

/** Encodes an OTLP/JSON request object as protobuf bytes. */
export function encodeOtlpProtobuf(type: OtlpRequestType, request: unknown): Buffer {
  return Buffer.from(message(type, request as Record<string, unknown>));
}

function message(type: string, value: Record<string, unknown>): Uint8Array {
  const fields = SCHEMA[type];
  if (!fields) throw new Error(`unknown message ${type}`);
  const out: number[] = [];
  for (const [name, v] of Object.entries(value)) {
    const f = fields[name];
    if (!f || v === undefined || v === null) continue;
    const [num, t, repeated] = f;
    if (t === 'int64' && typeof v === 'number' && (v < -(2 ** 63) || v >= 2 ** 63)) {
      // The JS JSON exporter sends any integral number as intValue; its protobuf exporter
      // sends those outside int64 as double_value.
      field(out, 4, 'double', v);
      continue;
    }
    if (repeated) {
      const list = v as unknown[];
      if (t === 'fixed64' || t === 'double' || t === 'uint64') {
        // Packed, as proto3 encoders write repeated scalars.
        const packed: number[] = [];
        for (const x of list) scalar(packed, t, x);
        tag(out, num, 2);
        varint(out, BigInt(packed.length));
        for (const b of packed) out.push(b);
      } else for (const x of list) field(out, num, t, x);
      continue;
    }
    field(out, num, t, v);
  }
  return Uint8Array.from(out);
}

function field(out: number[], num: number, t: string, v: unknown): void {
  if (t in SCHEMA) {
    const body = message(t, v as Record<string, unknown>);
    tag(out, num, 2);
    varint(out, BigInt(body.length));
    for (const b of body) out.push(b);
    return;
  }
  tag(out, num, wireType(t as Scalar));
  scalar(out, t as Scalar, v);
}

function wireType(t: Scalar): number {
  switch (t) {
    case 'string':
    case 'bytes':
    case 'id':
      return 2;
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return 1;
    case 'fixed32':
      return 5;
    default:
      return 0;
  }
}

function scalar(out: number[], t: Scalar, v: unknown): void {
  switch (t) {
    case 'string':
      return lengthDelimited(out, Buffer.from(v as string, 'utf8'));
    case 'bytes':
      return lengthDelimited(out, Buffer.from(v as string, 'base64'));
    case 'id':
      return lengthDelimited(out, Buffer.from(v as string, 'hex'));
    case 'bool':
      return varint(out, v ? 1n : 0n);
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(toDouble(v));
      for (const x of b) out.push(x);
      return;
    }
    case 'fixed64':
    case 'sfixed64': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v as string | number)));
      for (const x of b) out.push(x);
      return;
    }
    case 'fixed32': {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(Number(v) >>> 0);
      for (const x of b) out.push(x);
      return;
    }
    case 'sint32': {
      const n = Number(v);
      return varint(out, BigInt(((n << 1) ^ (n >> 31)) >>> 0));
    }
    default:
      // int64, uint64, uint32, enum: negative values as 10-byte two's complement varints.
      return varint(out, BigInt.asUintN(64, BigInt(v as string | number)));
  }
}

function toDouble(v: unknown): number {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

function tag(out: number[], num: number, wire: number): void {
  varint(out, BigInt((num << 3) | wire));
}

function varint(out: number[], v: bigint): void {
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function lengthDelimited(out: number[], bytes: Buffer): void {
  varint(out, BigInt(bytes.length));
  for (const b of bytes) out.push(b);
}
