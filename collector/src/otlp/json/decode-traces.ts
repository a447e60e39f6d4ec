import type { TracesBlock } from '../../storage/tables/traces-block.js';
import { EMPTY, SPAN_KINDS, STATUS_CODES } from '../enums.js';
import { FeatureRows } from '../feature-rows.js';
import type { DecodeContext, DecodeOutcome } from '../outcome.js';
import { JsonAttributes, writeAttributesJson } from './attributes.js';
import { SPAN_KIND_ENUM, STATUS_CODE_ENUM } from './enum-names.js';
import { collectFeaturesJson } from './features.js';
import {
  array,
  eachObject,
  enumValue,
  hexId,
  inField,
  isZeroHex,
  type JsonObject,
  object,
  parseBody,
  string,
  u64,
  uint64,
  within,
} from './values.js';

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` into `block`, one row per span: the same
 * rows, byte for byte, as `decodeTracesProto` writes for the same data. Spans that are
 * well-formed but invalid are rejected one by one into `outcome` with the same messages;
 * invalid JSON or a field of the wrong type throws `OtlpDecodeError` naming the JSON path,
 * and the caller rolls the block back.
 */
export function decodeTracesJson(
  body: Uint8Array,
  block: TracesBlock,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  const root = parseBody(body);
  const list = array(root.resourceSpans ?? root.resource_spans, 'resourceSpans');
  const state = new TraceState(block, ctx, outcome);
  eachObject(list, 'resourceSpans', (o) => state.resourceSpans(o));
}

class TraceState {
  readonly resource = new JsonAttributes();
  scopeName = '';
  scopeVersion = '';
  readonly mark: number[] = [];
  readonly features = new FeatureRows();
  spanIndex = 0;

  constructor(
    readonly block: TracesBlock,
    readonly ctx: DecodeContext,
    readonly outcome: DecodeOutcome,
  ) {}

  resourceSpans(rs: JsonObject): void {
    this.resource.reset();
    if (rs.resource != null) {
      inField('resource', () => this.resource.read(object(rs.resource, ''), this.ctx));
    }
    const list = array(rs.scopeSpans ?? rs.scope_spans, 'scopeSpans');
    eachObject(list, 'scopeSpans', (o) => this.scopeSpans(o));
  }

  scopeSpans(ss: JsonObject): void {
    this.scopeName = '';
    this.scopeVersion = '';
    if (ss.scope != null) {
      const scope = object(ss.scope, 'scope');
      this.scopeName = string(scope.name, 'scope.name');
      this.scopeVersion = string(scope.version, 'scope.version');
    }
    const list = array(ss.spans, 'spans');
    eachObject(list, 'spans', (o) => this.span(o));
  }

  span(s: JsonObject): void {
    const index = this.spanIndex++;
    const traceId = hexId(s.traceId ?? s.trace_id, 'traceId');
    const spanId = hexId(s.spanId ?? s.span_id, 'spanId');
    const parent = hexId(s.parentSpanId ?? s.parent_span_id, 'parentSpanId');
    const traceState = string(s.traceState ?? s.trace_state, 'traceState');
    const name = string(s.name, 'name');
    const kind = enumValue(s.kind, 'kind', SPAN_KIND_ENUM);
    uint64(s.startTimeUnixNano ?? s.start_time_unix_nano, 'startTimeUnixNano');
    const startLo = u64.lo;
    const startHi = u64.hi;
    uint64(s.endTimeUnixNano ?? s.end_time_unix_nano, 'endTimeUnixNano');
    const endLo = u64.lo;
    const endHi = u64.hi;
    let code = 0;
    let message = '';
    if (s.status != null) {
      const st = object(s.status, 'status');
      code = enumValue(st.code, 'status.code', STATUS_CODE_ENUM);
      message = string(st.message, 'status.message');
    }

    // The same checks, in the same order and words, as decodeTracesProto.
    if (!this.resource.ok) return this.reject(index, 'a resource attribute is over the size limit');
    if (traceId.length !== 32)
      return this.reject(index, `trace id must be 16 bytes, got ${traceId.length / 2}`);
    if (isZeroHex(traceId)) return this.reject(index, 'trace id is all zeros');
    if (spanId.length !== 16)
      return this.reject(index, `span id must be 8 bytes, got ${spanId.length / 2}`);
    if (isZeroHex(spanId)) return this.reject(index, 'span id is all zeros');
    if (parent.length !== 0 && parent.length !== 16)
      return this.reject(
        index,
        `parent span id must be empty or 8 bytes, got ${parent.length / 2}`,
      );
    if (endHi < startHi || (endHi === startHi && endLo < startLo))
      return this.reject(index, 'end time is before start time');

    const b = this.block;
    b.mark(this.mark);

    if (!writeAttributesJson(s.attributes, 'attributes', b.spanAttributes, this.ctx))
      return this.rollback(index, 'a span attribute is over the size limit');
    b.spanAttributes.offsets.end();
    const events = array(s.events, 'events');
    for (let i = 0; i < events.length; i++) {
      let ok: boolean;
      try {
        ok = this.event(object(events[i], ''));
      } catch (e) {
        throw within(e, 'events', i);
      }
      if (!ok) return this.rollback(index, 'an event attribute is over the size limit');
    }
    b.events.end();
    const links = array(s.links, 'links');
    for (let i = 0; i < links.length; i++) {
      let why: string | undefined;
      try {
        why = this.link(object(links[i], ''));
      } catch (e) {
        throw within(e, 'links', i);
      }
      if (why) return this.rollback(index, why);
    }
    b.links.end();

    b.timestamp.sink.u64(startLo, startHi);
    b.traceId.sink.string(traceId);
    b.spanId.sink.string(spanId);
    b.parentSpanId.sink.string(parent);
    b.traceState.sink.string(traceState);
    b.spanName.sink.string(name);
    const k = SPAN_KINDS[kind] ?? EMPTY;
    b.spanKind.sink.bytes(k, 0, k.length);
    this.resource.writeService(b.serviceName.sink);
    this.resource.copyTo(b.resourceAttributes);
    b.scopeName.sink.string(this.scopeName);
    b.scopeVersion.sink.string(this.scopeVersion);
    const lo = endLo - startLo;
    b.duration.sink.u64(lo < 0 ? lo + 0x1_0000_0000 : lo, endHi - startHi - (lo < 0 ? 1 : 0));
    const c = STATUS_CODES[code] ?? EMPTY;
    b.statusCode.sink.bytes(c, 0, c.length);
    b.statusMessage.sink.string(message);
    b.projectId.sink.bytes(this.ctx.project, 0, this.ctx.project.length);
    b.rows++;
    this.outcome.accepted++;
    this.ctx.budget.charge(b);
    const fb = this.ctx.features;
    if (fb) {
      const f = this.features;
      f.reset();
      collectFeaturesJson(s.attributes, this.ctx.maxAttributes, f);
      if (f.count > 0) {
        f.write(fb, this.ctx.project, startLo, startHi);
        this.ctx.budget.charge(fb);
      }
    }
  }

  event(ev: JsonObject): boolean {
    const b = this.block;
    uint64(ev.timeUnixNano ?? ev.time_unix_nano, 'timeUnixNano');
    const lo = u64.lo;
    const hi = u64.hi;
    const name = string(ev.name, 'name');
    if (!writeAttributesJson(ev.attributes, 'attributes', b.eventAttributes, this.ctx))
      return false;
    b.eventAttributes.offsets.end();
    b.eventTimestamp.sink.u64(lo, hi);
    b.eventName.sink.string(name);
    b.events.count++;
    return true;
  }

  link(l: JsonObject): string | undefined {
    const b = this.block;
    const traceId = hexId(l.traceId ?? l.trace_id, 'traceId');
    const spanId = hexId(l.spanId ?? l.span_id, 'spanId');
    const traceState = string(l.traceState ?? l.trace_state, 'traceState');
    if (!writeAttributesJson(l.attributes, 'attributes', b.linkAttributes, this.ctx))
      return 'a link attribute is over the size limit';
    if (traceId.length !== 32) return `link trace id must be 16 bytes, got ${traceId.length / 2}`;
    if (spanId.length !== 16) return `link span id must be 8 bytes, got ${spanId.length / 2}`;
    b.linkAttributes.offsets.end();
    b.linkTraceId.sink.string(traceId);
    b.linkSpanId.sink.string(spanId);
    b.linkTraceState.sink.string(traceState);
    b.links.count++;
    return undefined;
  }

  reject(index: number, why: string): void {
    this.outcome.reject(`span ${index}: ${why}`);
  }

  rollback(index: number, why: string): void {
    this.block.rollback(this.mark);
    this.reject(index, why);
  }
}
