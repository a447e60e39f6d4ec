import type {
  Attributes,
  AttributeValue,
  Collection,
  Metric,
  MetricPoint,
} from '../metrics/model.js';
import { ProtobufWriter } from './protobuf-writer.js';

/** Instrumentation scope written on every export. */
export interface Scope {
  readonly name: string;
  readonly version: string;
}

// Field numbers from opentelemetry-proto (collector/metrics/v1/metrics_service.proto,
// metrics/v1/metrics.proto, common/v1/common.proto, resource/v1/resource.proto).
const AGGREGATION_TEMPORALITY_CUMULATIVE = 2;

/**
 * Encodes collections as one OTLP `ExportMetricsServiceRequest` (protobuf). Pure: bytes out,
 * no I/O. Several collections become several data points per metric, so a batch replayed
 * from the disk buffer keeps every sample. Uses a fresh {@link MetricsEncoder}; a process that
 * encodes every interval keeps one instead, so its caches carry over.
 *
 * @example
 * const body = encodeMetricsRequest({ 'host.name': 'gpu-01', 'service.name': 'aiobs-agent' },
 *   { name: '@aiobs/agent', version: '0.1.0' }, [collection]);
 */
export function encodeMetricsRequest(
  resource: Attributes,
  scope: Scope,
  collections: readonly Collection[],
): Uint8Array {
  return new MetricsEncoder().encode(resource, scope, collections);
}

/** Cached key/value pairs before the cache starts over (process pids and names churn). */
const MAX_CACHED_PAIRS = 20_000;

/** One collection's points of a metric. */
interface Segment {
  /** The collection time as fixed64 nanoseconds, little-endian. */
  readonly time: Uint8Array;
  readonly points: readonly MetricPoint[];
}

/** The framed `attributes` fields of one attribute set, and their total length. */
interface SetBytes {
  readonly kvs: readonly Uint8Array[];
  readonly len: number;
}

interface TimedMetric {
  readonly metric: Metric;
  readonly segments: Segment[];
}

/** A metric with every size computed, ready to be written. */
interface MetricPlan {
  /** Framed name, description and unit. */
  readonly header: Uint8Array;
  readonly sum: boolean;
  readonly monotonic: boolean;
  /** Start time as fixed64 bytes (sums only). */
  readonly start: Uint8Array | undefined;
  readonly segments: readonly Segment[];
  /** Bytes of a data point besides its attributes (times and value, with their tags). */
  readonly fixed: number;
  /** Length of the Gauge / Sum message. */
  readonly dataSize: number;
  /** Length of the Metric message. */
  readonly size: number;
}

/**
 * Encodes OTLP metrics requests into one exactly sized buffer, keeping across calls what does
 * not change between collections: the framed bytes of every attribute key/value pair, of each
 * metric's name and unit, and of the resource and scope. A host's series repeat every
 * interval, so after the first collection a data point costs its two numbers and a few cache
 * lookups. Attribute sets are taken as immutable (the model's `Readonly`): one seen before is
 * found by identity. (The earlier encoder built every message in its own growing writer and copied it
 * into its parent: at a 1 s interval that and the garbage it left were the agent's largest
 * cost; docs/benchmarks.md, ## Agent.)
 */
export class MetricsEncoder {
  /** key → value → framed `attributes` field (tag, length, KeyValue). */
  private pairs = new Map<string, Map<AttributeValue, Uint8Array>>();
  private pairCount = 0;
  /** Framed pairs of attribute sets that collectors reuse from one collection to the next. */
  private sets = new WeakMap<Attributes, SetBytes>();
  private headers = new Map<string, { metric: Metric; bytes: Uint8Array }>();
  private head:
    | { resource: Attributes; scope: Scope; resourceBytes: Uint8Array; scopeBytes: Uint8Array }
    | undefined;

  /** Encodes collections; see {@link encodeMetricsRequest}. */
  encode(resource: Attributes, scope: Scope, collections: readonly Collection[]): Uint8Array {
    if (this.pairCount > MAX_CACHED_PAIRS) {
      this.pairs = new Map();
      this.sets = new WeakMap();
      this.pairCount = 0;
    }
    const { resourceBytes, scopeBytes } = this.resourceAndScope(resource, scope);
    const plans = mergeByName(collections).map((m) => this.plan(m));
    let scopeMetricsLen = fieldSize(scopeBytes.length);
    for (const p of plans) scopeMetricsLen += fieldSize(p.size);
    const resourceMetricsLen = fieldSize(resourceBytes.length) + fieldSize(scopeMetricsLen);

    const w = new ExactWriter(fieldSize(resourceMetricsLen));
    w.lengthField(1, resourceMetricsLen);
    w.lengthField(1, resourceBytes.length).raw(resourceBytes);
    w.lengthField(2, scopeMetricsLen);
    w.lengthField(1, scopeBytes.length).raw(scopeBytes);
    for (const p of plans) {
      w.lengthField(2, p.size).raw(p.header);
      w.lengthField(p.sum ? 7 : 5, p.dataSize);
      for (const seg of p.segments) {
        for (const point of seg.points) {
          // Found again by identity rather than kept per point in the plan (less garbage).
          const set = this.attributeSet(point.attributes);
          w.lengthField(1, p.fixed + set.len);
          if (p.start) w.byte(0x11).raw(p.start); // start_time_unix_nano: field 2, fixed64
          w.byte(0x19).raw(seg.time); // time_unix_nano: field 3, fixed64
          w.byte(0x21).double(point.value); // as_double: field 4, double
          for (const kv of set.kvs) w.raw(kv);
        }
      }
      if (p.sum) {
        w.byte(0x10).byte(AGGREGATION_TEMPORALITY_CUMULATIVE); // field 2, varint
        if (p.monotonic) w.byte(0x18).byte(1); // is_monotonic: field 3, varint
      }
    }
    return w.finish();
  }

  private plan(entry: TimedMetric): MetricPlan {
    const { metric, segments } = entry;
    const header = this.header(metric);
    const sum = metric.kind === 'sum';
    const start = sum ? fixed64Nanos(metric.startTimeMs) : undefined;
    const fixed = (start ? 9 : 0) + 18;
    let dataSize = sum ? (metric.monotonic ? 4 : 2) : 0;
    for (const seg of segments) {
      for (const point of seg.points) {
        dataSize += fieldSize(fixed + this.attributeSet(point.attributes).len);
      }
    }
    const size = header.length + fieldSize(dataSize);
    return {
      header,
      sum,
      monotonic: sum && metric.monotonic,
      start,
      segments,
      fixed,
      dataSize,
      size,
    };
  }

  private header(metric: Metric): Uint8Array {
    const hit = this.headers.get(metric.name);
    if (hit && hit.metric.unit === metric.unit && hit.metric.description === metric.description) {
      return hit.bytes;
    }
    const w = new ProtobufWriter(128);
    w.tag(1, 2).string(metric.name);
    if (metric.description) w.tag(2, 2).string(metric.description);
    w.tag(3, 2).string(metric.unit);
    const bytes = w.finish().slice();
    this.headers.set(metric.name, { metric, bytes });
    return bytes;
  }

  private attributeSet(attributes: Attributes): SetBytes {
    const hit = this.sets.get(attributes);
    if (hit) return hit;
    const kvs: Uint8Array[] = [];
    let len = 0;
    for (const k in attributes) {
      const kv = this.pair(k, attributes[k] as AttributeValue, 7);
      kvs.push(kv);
      len += kv.length;
    }
    const set = { kvs, len };
    this.sets.set(attributes, set);
    return set;
  }

  /** The framed pair as field `field` (7 on data points, 1 in the resource). */
  private pair(key: string, value: AttributeValue, field: 1 | 7): Uint8Array {
    let byValue = this.pairs.get(key);
    if (!byValue) {
      byValue = new Map();
      this.pairs.set(key, byValue);
    }
    const framed = byValue.get(value);
    if (framed && field === 7) return framed;
    const kv = keyValue(key, value);
    const out = new ProtobufWriter(kv.length + 6).tag(field, 2).bytes(kv).finish().slice();
    if (field === 7) {
      byValue.set(value, out);
      this.pairCount++;
    }
    return out;
  }

  private resourceAndScope(resource: Attributes, scope: Scope) {
    const h = this.head;
    if (h && h.resource === resource && h.scope === scope) return h;
    const r = new ProtobufWriter(512);
    for (const k in resource) r.raw(this.pair(k, resource[k] as AttributeValue, 1));
    const s = new ProtobufWriter(64);
    s.tag(1, 2).string(scope.name);
    s.tag(2, 2).string(scope.version);
    this.head = {
      resource,
      scope,
      resourceBytes: r.finish().slice(),
      scopeBytes: s.finish().slice(),
    };
    return this.head;
  }
}

/** One OTLP Metric per name: OTLP expects a metric's points together, across collections. */
function mergeByName(collections: readonly Collection[]): TimedMetric[] {
  const byName = new Map<string, TimedMetric>();
  for (const c of collections) {
    const time = fixed64Nanos(c.timeMs);
    for (const m of c.metrics) {
      let entry = byName.get(m.name);
      if (!entry) {
        entry = { metric: m, segments: [] };
        byName.set(m.name, entry);
      }
      entry.segments.push({ time, points: m.points });
    }
  }
  return [...byName.values()];
}

/** KeyValue message (common.proto). */
function keyValue(key: string, value: AttributeValue): Uint8Array {
  const any = new ProtobufWriter(32);
  if (typeof value === 'string') any.tag(1, 2).string(value);
  else if (typeof value === 'boolean') any.tag(2, 0).varint(value ? 1 : 0);
  else if (Number.isSafeInteger(value)) any.tag(3, 0).int64(value);
  else any.tag(4, 1).double(value);
  const kv = new ProtobufWriter(32);
  kv.tag(1, 2).string(key);
  kv.tag(2, 2).bytes(any.finish());
  return kv.finish().slice();
}

/** Unix ms as fixed64 nanoseconds (little-endian bytes). */
function fixed64Nanos(ms: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.round(ms * 1000)) * 1000n, true);
  return out;
}

function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v > 0x7f; v = Math.floor(v / 128)) size++;
  return size;
}

/** Bytes of a length-delimited field with a one-byte tag (fields 1..15) and `len` bytes. */
function fieldSize(len: number): number {
  return 1 + varintSize(len) + len;
}

/** Writes into a buffer of the exact final size; sizes are computed before writing. */
class ExactWriter {
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  private pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  byte(b: number): this {
    this.buf[this.pos++] = b;
    return this;
  }

  /** Tag of a length-delimited field (1..15) and its length. */
  lengthField(field: number, len: number): this {
    this.buf[this.pos++] = (field << 3) | 2;
    let v = len;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
    return this;
  }

  double(value: number): this {
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  finish(): Uint8Array {
    if (this.pos !== this.buf.length) {
      throw new Error(`OTLP encoder wrote ${this.pos} of ${this.buf.length} bytes`);
    }
    return this.buf;
  }
}

/** What the collector said in an `ExportMetricsServiceResponse`. */
export interface PartialSuccess {
  readonly rejectedDataPoints: number;
  readonly errorMessage: string;
}

/**
 * Decodes the `partial_success` of an `ExportMetricsServiceResponse`; `undefined` when the
 * body is empty or holds none. Unknown fields are skipped, malformed bodies yield `undefined`.
 */
export function decodePartialSuccess(body: Uint8Array): PartialSuccess | undefined {
  try {
    const outer = readFields(body);
    const ps = outer.find((f) => f.field === 1 && f.bytes);
    if (!ps?.bytes) return undefined;
    let rejected = 0;
    let message = '';
    for (const f of readFields(ps.bytes)) {
      if (f.field === 1 && f.varint !== undefined) rejected = Number(BigInt.asIntN(64, f.varint));
      if (f.field === 2 && f.bytes) message = new TextDecoder().decode(f.bytes);
    }
    if (rejected === 0 && message === '') return undefined;
    return { rejectedDataPoints: rejected, errorMessage: message };
  } catch {
    return undefined;
  }
}

interface RawField {
  field: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

function readFields(buf: Uint8Array): RawField[] {
  const out: RawField[] = [];
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(readVarint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, varint: readVarint() });
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = Number(readVarint());
      if (pos + len > buf.length) throw new Error('truncated field');
      out.push({ field, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}
