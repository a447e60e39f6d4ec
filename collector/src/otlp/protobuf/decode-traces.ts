import type { TracesBlock } from '../../storage/tables/traces-block.js';
import { EMPTY, SPAN_KINDS, STATUS_CODES } from '../enums.js';
import { FeatureRows } from '../feature-rows.js';
import { isZeroId, writeHexId } from '../ids.js';
import type { DecodeContext, DecodeOutcome } from '../outcome.js';
import { KeyRange, writeKeyValue } from './attributes.js';
import { collectFeaturesProto, isDriftInput } from './features.js';
import { eachField, ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './reader.js';
import { EncodedAttributes, readAttributes } from './resource.js';

/**
 * Decodes an `ExportTraceServiceRequest` (OTLP protobuf) straight into `block`, one row per
 * span. Spans that are decodable but invalid are rejected one by one into `outcome`;
 * malformed bytes throw `ProtoDecodeError` and the caller rolls the block back.
 */
export function decodeTracesProto(
  buf: Uint8Array,
  block: TracesBlock,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  const r = new ProtoReader(buf);
  const end = buf.length;
  const state = new TraceState(block, ctx, outcome);
  eachField(r, end, 1, (e) => state.resourceSpans(r, e));
}

const TAG_TRACE_ID = (1 << 3) | WIRE_LEN;
const TAG_SPAN_ID = (2 << 3) | WIRE_LEN;
const TAG_TRACE_STATE = (3 << 3) | WIRE_LEN;
const TAG_PARENT = (4 << 3) | WIRE_LEN;
const TAG_NAME = (5 << 3) | WIRE_LEN;
const TAG_KIND = (6 << 3) | WIRE_VARINT;
const TAG_START = (7 << 3) | WIRE_I64;
const TAG_END = (8 << 3) | WIRE_I64;
const TAG_ATTR = (9 << 3) | WIRE_LEN;
const TAG_EVENT = (11 << 3) | WIRE_LEN;
const TAG_LINK = (13 << 3) | WIRE_LEN;
const TAG_STATUS = (15 << 3) | WIRE_LEN;

/** Reusable per-request state: the current resource and scope, and scratch ranges. */
class TraceState {
  readonly resource = new EncodedAttributes();
  scopeNameStart = 0;
  scopeNameEnd = 0;
  scopeVersionStart = 0;
  scopeVersionEnd = 0;
  /**
   * [start, end) pairs of repeated sub-messages of the span being decoded; each span uses
   * the first entries (counts kept in `span`), so the arrays keep their storage: emptied
   * with `length = 0` per span, V8 freed and regrew it every time.
   */
  attrs: number[] = [];
  events: number[] = [];
  links: number[] = [];
  readonly mark: number[] = [];
  readonly features = new FeatureRows();
  readonly key = new KeyRange();
  spanIndex = 0;

  constructor(
    readonly block: TracesBlock,
    readonly ctx: DecodeContext,
    readonly outcome: DecodeOutcome,
  ) {}

  resourceSpans(r: ProtoReader, end: number): void {
    const start = r.pos;
    this.resource.reset();
    // The resource may follow its scope spans on the wire: find it first.
    eachField(r, end, 1, (e) => readAttributes(r, e, 1, this.resource, this.ctx));
    r.pos = start;
    eachField(r, end, 2, (e) => this.scopeSpans(r, e));
  }

  scopeSpans(r: ProtoReader, end: number): void {
    const start = r.pos;
    this.scopeNameStart = this.scopeNameEnd = this.scopeVersionStart = this.scopeVersionEnd = 0;
    eachField(r, end, 1, (e) => this.scope(r, e));
    r.pos = start;
    eachField(r, end, 2, (e) => this.span(r, e));
  }

  scope(r: ProtoReader, end: number): void {
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_LEN)) {
        this.scopeNameEnd = r.lenEnd(end);
        this.scopeNameStart = r.pos;
        r.pos = this.scopeNameEnd;
      } else if (tag === ((2 << 3) | WIRE_LEN)) {
        this.scopeVersionEnd = r.lenEnd(end);
        this.scopeVersionStart = r.pos;
        r.pos = this.scopeVersionEnd;
      } else r.skip(tag & 7, end);
    }
  }

  span(r: ProtoReader, end: number): void {
    const index = this.spanIndex++;
    const buf = r.buf;
    let tS = 0;
    let tE = 0;
    let sS = 0;
    let sE = 0;
    let tsS = 0;
    let tsE = 0;
    let pS = 0;
    let pE = 0;
    let nS = 0;
    let nE = 0;
    let kind = 0;
    let startLo = 0;
    let startHi = 0;
    let endLo = 0;
    let endHi = 0;
    let stS = -1;
    let stE = -1;
    const attrs = this.attrs;
    const events = this.events;
    const links = this.links;
    let nAttrs = 0;
    let nEvents = 0;
    let nLinks = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      switch (tag) {
        case TAG_TRACE_ID:
          tE = r.lenEnd(end);
          tS = r.pos;
          r.pos = tE;
          break;
        case TAG_SPAN_ID:
          sE = r.lenEnd(end);
          sS = r.pos;
          r.pos = sE;
          break;
        case TAG_TRACE_STATE:
          tsE = r.lenEnd(end);
          tsS = r.pos;
          r.pos = tsE;
          break;
        case TAG_PARENT:
          pE = r.lenEnd(end);
          pS = r.pos;
          r.pos = pE;
          break;
        case TAG_NAME:
          nE = r.lenEnd(end);
          nS = r.pos;
          r.pos = nE;
          break;
        case TAG_KIND:
          kind = r.uint32();
          break;
        case TAG_START:
          r.fixed64();
          startLo = r.lo;
          startHi = r.hi;
          break;
        case TAG_END:
          r.fixed64();
          endLo = r.lo;
          endHi = r.hi;
          break;
        case TAG_ATTR: {
          const e = r.lenEnd(end);
          attrs[nAttrs++] = r.pos;
          attrs[nAttrs++] = e;
          r.pos = e;
          break;
        }
        case TAG_EVENT: {
          const e = r.lenEnd(end);
          events[nEvents++] = r.pos;
          events[nEvents++] = e;
          r.pos = e;
          break;
        }
        case TAG_LINK: {
          const e = r.lenEnd(end);
          links[nLinks++] = r.pos;
          links[nLinks++] = e;
          r.pos = e;
          break;
        }
        case TAG_STATUS:
          stE = r.lenEnd(end);
          stS = r.pos;
          r.pos = stE;
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    if (!this.resource.ok) return this.reject(index, 'a resource attribute is over the size limit');
    if (tE - tS !== 16) return this.reject(index, `trace id must be 16 bytes, got ${tE - tS}`);
    if (isZeroId(buf, tS, tE)) return this.reject(index, 'trace id is all zeros');
    if (sE - sS !== 8) return this.reject(index, `span id must be 8 bytes, got ${sE - sS}`);
    if (isZeroId(buf, sS, sE)) return this.reject(index, 'span id is all zeros');
    if (pE - pS !== 0 && pE - pS !== 8)
      return this.reject(index, `parent span id must be empty or 8 bytes, got ${pE - pS}`);
    if (endHi < startHi || (endHi === startHi && endLo < startLo))
      return this.reject(index, 'end time is before start time');

    const b = this.block;
    this.markNested();

    // Whether a kept attribute is a drift input, seen as the keys are parsed for the row,
    // so that the span without one (most: features are sampled) is not parsed again.
    const key = this.key;
    let drift = false;
    for (let i = 0; i < nAttrs; i += 2) {
      r.pos = attrs[i]!;
      if (!writeKeyValue(r, attrs[i + 1]!, b.spanAttributes, this.ctx, key))
        return this.rollback(index, 'a span attribute is over the size limit');
      if (!drift && key.start >= 0) drift = isDriftInput(buf, key.start, key.end);
    }
    b.spanAttributes.offsets.end();
    for (let i = 0; i < nEvents; i += 2) {
      if (!this.event(r, events[i]!, events[i + 1]!))
        return this.rollback(index, 'an event attribute is over the size limit');
    }
    b.events.end();
    for (let i = 0; i < nLinks; i += 2) {
      const why = this.link(r, links[i]!, links[i + 1]!);
      if (why) return this.rollback(index, why);
    }
    b.links.end();
    r.pos = end;

    b.timestamp.sink.u64(startLo, startHi);
    writeHexId(b.traceId.sink, buf, tS, tE);
    writeHexId(b.spanId.sink, buf, sS, sE);
    writeHexId(b.parentSpanId.sink, buf, pS, pE);
    b.traceState.sink.stringBytes(buf, tsS, tsE);
    b.spanName.sink.stringBytes(buf, nS, nE);
    const k = SPAN_KINDS[kind] ?? EMPTY;
    b.spanKind.sink.bytes(k, 0, k.length);
    const res = this.resource;
    res.writeService(b.serviceName.sink, buf);
    res.copyTo(b.resourceAttributes);
    b.scopeName.sink.stringBytes(buf, this.scopeNameStart, this.scopeNameEnd);
    b.scopeVersion.sink.stringBytes(buf, this.scopeVersionStart, this.scopeVersionEnd);
    // Duration = end - start as an unsigned 64-bit subtraction on 32-bit halves.
    const lo = endLo - startLo;
    b.duration.sink.u64(lo < 0 ? lo + 0x1_0000_0000 : lo, endHi - startHi - (lo < 0 ? 1 : 0));
    this.status(r, stS, stE);
    b.projectId.sink.bytes(this.ctx.project, 0, this.ctx.project.length);
    b.rows++;
    this.outcome.accepted++;
    this.ctx.budget.charge(b);
    const fb = this.ctx.features;
    if (fb && drift) {
      const f = this.features;
      f.reset();
      collectFeaturesProto(r, attrs, nAttrs, this.ctx.maxAttributes, f);
      if (f.count > 0) {
        f.write(fb, this.ctx.project, startLo, startHi);
        this.ctx.budget.charge(fb);
      }
    }
  }

  event(r: ProtoReader, start: number, end: number): boolean {
    const b = this.block;
    let lo = 0;
    let hi = 0;
    let nS = 0;
    let nE = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_I64)) {
        r.fixed64();
        lo = r.lo;
        hi = r.hi;
      } else if (tag === ((2 << 3) | WIRE_LEN)) {
        nE = r.lenEnd(end);
        nS = r.pos;
        r.pos = nE;
      } else if (tag === ((3 << 3) | WIRE_LEN)) {
        const e = r.lenEnd(end);
        if (!writeKeyValue(r, e, b.eventAttributes, this.ctx)) return false;
        r.pos = e;
      } else r.skip(tag & 7, end);
    }
    b.eventAttributes.offsets.end();
    b.eventTimestamp.sink.u64(lo, hi);
    b.eventName.sink.stringBytes(r.buf, nS, nE);
    b.events.count++;
    return true;
  }

  link(r: ProtoReader, start: number, end: number): string | undefined {
    const b = this.block;
    let tS = 0;
    let tE = 0;
    let sS = 0;
    let sE = 0;
    let tsS = 0;
    let tsE = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_LEN)) {
        tE = r.lenEnd(end);
        tS = r.pos;
        r.pos = tE;
      } else if (tag === ((2 << 3) | WIRE_LEN)) {
        sE = r.lenEnd(end);
        sS = r.pos;
        r.pos = sE;
      } else if (tag === ((3 << 3) | WIRE_LEN)) {
        tsE = r.lenEnd(end);
        tsS = r.pos;
        r.pos = tsE;
      } else if (tag === ((4 << 3) | WIRE_LEN)) {
        const e = r.lenEnd(end);
        if (!writeKeyValue(r, e, b.linkAttributes, this.ctx))
          return 'a link attribute is over the size limit';
        r.pos = e;
      } else r.skip(tag & 7, end);
    }
    if (tE - tS !== 16) return `link trace id must be 16 bytes, got ${tE - tS}`;
    if (sE - sS !== 8) return `link span id must be 8 bytes, got ${sE - sS}`;
    b.linkAttributes.offsets.end();
    writeHexId(b.linkTraceId.sink, r.buf, tS, tE);
    writeHexId(b.linkSpanId.sink, r.buf, sS, sE);
    b.linkTraceState.sink.stringBytes(r.buf, tsS, tsE);
    b.links.count++;
    return undefined;
  }

  status(r: ProtoReader, start: number, end: number): void {
    const b = this.block;
    let code = 0;
    let mS = 0;
    let mE = 0;
    if (start >= 0) {
      r.pos = start;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === ((3 << 3) | WIRE_VARINT)) code = r.uint32();
        else if (tag === ((2 << 3) | WIRE_LEN)) {
          mE = r.lenEnd(end);
          mS = r.pos;
          r.pos = mE;
        } else r.skip(tag & 7, end);
      }
    }
    const c = STATUS_CODES[code] ?? EMPTY;
    b.statusCode.sink.bytes(c, 0, c.length);
    b.statusMessage.sink.stringBytes(r.buf, mS, mE);
  }

  reject(index: number, why: string): void {
    this.outcome.reject(`span ${index}: ${why}`);
  }

  rollback(index: number, why: string): void {
    const b = this.block;
    const m = this.mark;
    let i = b.spanAttributes.restore(m, 0);
    i = b.events.restore(m, i);
    i = b.eventTimestamp.restore(m, i);
    i = b.eventName.restore(m, i);
    i = b.eventAttributes.restore(m, i);
    i = b.links.restore(m, i);
    i = b.linkTraceId.restore(m, i);
    i = b.linkSpanId.restore(m, i);
    i = b.linkTraceState.restore(m, i);
    b.linkAttributes.restore(m, i);
    this.reject(index, why);
  }

  /**
   * Saves the write positions of the columns a span writes while it can still be refused:
   * its attributes, events and links (an attribute over the size limit, a bad link). Its
   * other columns are written after the last check, so a mark of all 23 columns per span
   * (`NativeBlock.mark`) would save positions that never need restoring.
   */
  markNested(): void {
    const b = this.block;
    const m = this.mark;
    m.length = 0;
    b.spanAttributes.save(m);
    b.events.save(m);
    b.eventTimestamp.save(m);
    b.eventName.save(m);
    b.eventAttributes.save(m);
    b.links.save(m);
    b.linkTraceId.save(m);
    b.linkSpanId.save(m);
    b.linkTraceState.save(m);
    b.linkAttributes.save(m);
  }
}
