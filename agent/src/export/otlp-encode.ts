import type { Attributes, AttributeValue, Collection, Metric } from '../metrics/model.js';
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
 * from the disk buffer keeps every sample.
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
  const cache = new Map<string, Uint8Array>();
  const resourceMsg = new ProtobufWriter(512);
  for (const [k, v] of Object.entries(resource)) {
    resourceMsg.tag(1, 2).bytes(keyValue(k, v, cache));
  }

  const scopeMsg = new ProtobufWriter(64);
  scopeMsg.tag(1, 2).string(scope.name);
  scopeMsg.tag(2, 2).string(scope.version);

  const scopeMetrics = new ProtobufWriter(64 * 1024);
  scopeMetrics.tag(1, 2).bytes(scopeMsg.finish());
  for (const m of mergeByName(collections)) {
    scopeMetrics.tag(2, 2).bytes(encodeMetric(m, cache));
  }

  const resourceMetrics = new ProtobufWriter(64 * 1024);
  resourceMetrics.tag(1, 2).bytes(resourceMsg.finish());
  resourceMetrics.tag(2, 2).bytes(scopeMetrics.finish());

  const request = new ProtobufWriter(64 * 1024);
  request.tag(1, 2).bytes(resourceMetrics.finish());
  return request.finish().slice();
}

interface TimedMetric {
  readonly metric: Metric;
  readonly points: { timeMs: number; point: Metric['points'][number] }[];
}

/** One OTLP Metric per name: OTLP expects a metric's points together, across collections. */
function mergeByName(collections: readonly Collection[]): TimedMetric[] {
  const byName = new Map<string, TimedMetric>();
  for (const c of collections) {
    for (const m of c.metrics) {
      let entry = byName.get(m.name);
      if (!entry) {
        entry = { metric: m, points: [] };
        byName.set(m.name, entry);
      }
      for (const point of m.points) entry.points.push({ timeMs: c.timeMs, point });
    }
  }
  return [...byName.values()];
}

function encodeMetric(entry: TimedMetric, cache: Map<string, Uint8Array>): Uint8Array {
  const { metric } = entry;
  const w = new ProtobufWriter(1024);
  w.tag(1, 2).string(metric.name);
  if (metric.description) w.tag(2, 2).string(metric.description);
  w.tag(3, 2).string(metric.unit);
  const data = new ProtobufWriter(1024);
  const start = metric.kind === 'sum' ? msToNanos(metric.startTimeMs) : undefined;
  for (const { timeMs, point } of entry.points) {
    const dp = new ProtobufWriter(128);
    if (start !== undefined) dp.tag(2, 1).fixed64(start);
    dp.tag(3, 1).fixed64(msToNanos(timeMs));
    dp.tag(4, 1).double(point.value);
    for (const [k, v] of Object.entries(point.attributes)) {
      dp.tag(7, 2).bytes(keyValue(k, v, cache));
    }
    data.tag(1, 2).bytes(dp.finish());
  }
  if (metric.kind === 'sum') {
    data.tag(2, 0).varint(AGGREGATION_TEMPORALITY_CUMULATIVE);
    if (metric.monotonic) data.tag(3, 0).varint(1);
    w.tag(7, 2).bytes(data.finish());
  } else {
    w.tag(5, 2).bytes(data.finish());
  }
  return w.finish();
}

/** KeyValue message; identical pairs repeat on every point, so their bytes are cached. */
function keyValue(key: string, value: AttributeValue, cache: Map<string, Uint8Array>): Uint8Array {
  const id = `${typeof value}\u0000${key}\u0000${String(value)}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const any = new ProtobufWriter(32);
  if (typeof value === 'string') any.tag(1, 2).string(value);
  else if (typeof value === 'boolean') any.tag(2, 0).varint(value ? 1 : 0);
  else if (Number.isSafeInteger(value)) any.tag(3, 0).int64(value);
  else any.tag(4, 1).double(value);
  const kv = new ProtobufWriter(32);
  kv.tag(1, 2).string(key);
  kv.tag(2, 2).bytes(any.finish());
  const bytes = kv.finish().slice();
  cache.set(id, bytes);
  return bytes;
}

function msToNanos(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) * 1000n;
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
