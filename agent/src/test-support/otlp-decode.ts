/**
 * Test support: decodes an OTLP `ExportMetricsServiceRequest` (protobuf) into plain objects,
 * so tests can compare what the agent sent with what they expect, and compare the agent's
 * encoder with the official OpenTelemetry serializer. Not used at run time.
 */

export type DecodedValue = string | number | boolean | null;

export interface DecodedPoint {
  attributes: Record<string, DecodedValue>;
  startTimeUnixNano: string;
  timeUnixNano: string;
  value: number;
}

export interface DecodedMetric {
  name: string;
  description: string;
  unit: string;
  type: 'gauge' | 'sum' | 'other';
  isMonotonic: boolean;
  aggregationTemporality: number;
  points: DecodedPoint[];
}

export interface DecodedRequest {
  resource: Record<string, DecodedValue>;
  scopes: { name: string; version: string; metrics: DecodedMetric[] }[];
}

interface Field {
  no: number;
  wire: number;
  varint: bigint;
  fixed: DataView | undefined;
  bytes: Uint8Array | undefined;
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let r = 0n;
    let s = 0n;
    for (;;) {
      const b = buf[pos++];
      if (b === undefined) throw new Error('truncated');
      r |= BigInt(b & 0x7f) << s;
      if (!(b & 0x80)) return r;
      s += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, varint: varint(), fixed: undefined, bytes: undefined });
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      const view = new DataView(buf.buffer, buf.byteOffset + pos, n);
      out.push({ no, wire, varint: 0n, fixed: view, bytes: undefined });
      pos += n;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, varint: 0n, fixed: undefined, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

const text = new TextDecoder();
const str = (f: Field | undefined) => (f?.bytes ? text.decode(f.bytes) : '');

function anyValue(buf: Uint8Array): DecodedValue {
  for (const f of fields(buf)) {
    if (f.no === 1) return str(f);
    if (f.no === 2) return f.varint !== 0n;
    if (f.no === 3) return Number(BigInt.asIntN(64, f.varint));
    if (f.no === 4 && f.fixed) return f.fixed.getFloat64(0, true);
  }
  return null;
}

function keyValues(list: Field[], no: number): Record<string, DecodedValue> {
  const out: Record<string, DecodedValue> = {};
  for (const f of list) {
    if (f.no !== no || !f.bytes) continue;
    const kv = fields(f.bytes);
    const key = str(kv.find((x) => x.no === 1));
    const v = kv.find((x) => x.no === 2);
    out[key] = v?.bytes ? anyValue(v.bytes) : null;
  }
  return out;
}

function point(buf: Uint8Array): DecodedPoint {
  const fs = fields(buf);
  const fixed = (no: number) => fs.find((f) => f.no === no)?.fixed;
  const asDouble = fixed(4);
  const asInt = fixed(6);
  return {
    attributes: keyValues(fs, 7),
    startTimeUnixNano: (fixed(2)?.getBigUint64(0, true) ?? 0n).toString(),
    timeUnixNano: (fixed(3)?.getBigUint64(0, true) ?? 0n).toString(),
    value: asDouble ? asDouble.getFloat64(0, true) : Number(asInt?.getBigInt64(0, true) ?? 0n),
  };
}

function metric(buf: Uint8Array): DecodedMetric {
  const fs = fields(buf);
  const m: DecodedMetric = {
    name: str(fs.find((f) => f.no === 1)),
    description: str(fs.find((f) => f.no === 2)),
    unit: str(fs.find((f) => f.no === 3)),
    type: 'other',
    isMonotonic: false,
    aggregationTemporality: 0,
    points: [],
  };
  const gauge = fs.find((f) => f.no === 5);
  const sum = fs.find((f) => f.no === 7);
  const data = gauge ?? sum;
  if (!data?.bytes) return m;
  m.type = gauge ? 'gauge' : 'sum';
  for (const f of fields(data.bytes)) {
    if (f.no === 1 && f.bytes) m.points.push(point(f.bytes));
    if (sum && f.no === 2) m.aggregationTemporality = Number(f.varint);
    if (sum && f.no === 3) m.isMonotonic = f.varint !== 0n;
  }
  return m;
}

/** Decodes a request body; throws on malformed protobuf. */
export function decodeMetricsRequest(body: Uint8Array): DecodedRequest {
  const out: DecodedRequest = { resource: {}, scopes: [] };
  for (const rm of fields(body)) {
    if (rm.no !== 1 || !rm.bytes) continue;
    for (const f of fields(rm.bytes)) {
      if (f.no === 1 && f.bytes) Object.assign(out.resource, keyValues(fields(f.bytes), 1));
      if (f.no === 2 && f.bytes) {
        const sm = fields(f.bytes);
        const scope = sm.find((x) => x.no === 1);
        const sf = scope?.bytes ? fields(scope.bytes) : [];
        out.scopes.push({
          name: str(sf.find((x) => x.no === 1)),
          version: str(sf.find((x) => x.no === 2)),
          metrics: sm.filter((x) => x.no === 2 && x.bytes).map((x) => metric(x.bytes!)),
        });
      }
    }
  }
  return out;
}

/** All metrics of a decoded request, across scopes. */
export function allMetrics(req: DecodedRequest): DecodedMetric[] {
  return req.scopes.flatMap((s) => s.metrics);
}
