import { randomBytes } from 'node:crypto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';

/** A span as `ProtobufTraceSerializer` takes it (the shape of the SDK's ReadableSpan). */
export interface SpanSpec {
  traceId?: string;
  spanId?: string;
  name?: string;
  startMs?: number;
  durationMs?: number;
  attributes?: Record<string, unknown>;
}

/**
 * Encodes spans with the official OTLP protobuf serializer (the one the OTel JS
 * exporters use). Ids default to random valid ones.
 */
export function encodeSpans(service: string, specs: SpanSpec[]): Uint8Array {
  const resource = resourceFromAttributes({ 'service.name': service });
  const now = Date.now();
  const spans = specs.map((s, i) => {
    const traceId = s.traceId ?? randomBytes(16).toString('hex');
    const spanId = s.spanId ?? randomBytes(8).toString('hex');
    const start = s.startMs ?? now + i;
    const dur = s.durationMs ?? 5;
    return {
      name: s.name ?? `span ${i}`,
      kind: 1,
      spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
      parentSpanContext: undefined,
      startTime: [Math.floor(start / 1000), (start % 1000) * 1e6],
      endTime: [Math.floor((start + dur) / 1000), ((start + dur) % 1000) * 1e6],
      duration: [0, dur * 1e6],
      status: { code: 0 },
      attributes: s.attributes ?? {},
      links: [],
      events: [],
      resource,
      instrumentationScope: { name: 'e2e' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      ended: true,
    };
  });
  return ProtobufTraceSerializer.serializeRequest(spans as never)!;
}

/** Decodes `ExportTraceServiceResponse.partial_success` (rejected count, message). */
export function decodePartialSuccess(body: Uint8Array): { rejected: number; message: string } {
  let pos = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = body[pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  const out = { rejected: 0, message: '' };
  while (pos < body.length) {
    const tag = varint();
    if (tag === 0x0a) {
      const end = varint() + pos;
      while (pos < end) {
        const t = varint();
        if (t === 0x08) out.rejected = varint();
        else if (t === 0x12) {
          const len = varint();
          out.message = Buffer.from(body.subarray(pos, pos + len)).toString();
          pos += len;
        } else throw new Error(`unexpected field ${t}`);
      }
    } else throw new Error(`unexpected field ${tag}`);
  }
  return out;
}

/** Decodes a `google.rpc.Status` error body (code, message). */
export function decodeStatus(body: Uint8Array): { code: number; message: string } {
  const out = { code: 0, message: '' };
  let pos = 0;
  while (pos < body.length) {
    const tag = body[pos++]!;
    if (tag === 0x08) out.code = body[pos++]!;
    else if (tag === 0x12) {
      let len = 0;
      let shift = 0;
      for (;;) {
        const b = body[pos++]!;
        len += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) break;
        shift += 7;
      }
      out.message = Buffer.from(body.subarray(pos, pos + len)).toString();
      pos += len;
    } else break;
  }
  return out;
}
