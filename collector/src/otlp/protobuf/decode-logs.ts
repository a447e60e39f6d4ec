import type { LogsBlock } from '../../storage/tables/logs-block.js';
import { writeHexId } from '../ids.js';
import type { DecodeContext, DecodeOutcome } from '../outcome.js';
import { writeAnyValue, writeKeyValue } from './attributes.js';
import { eachField, ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './reader.js';
import { EncodedAttributes, readAttributes } from './resource.js';

/**
 * Decodes an `ExportLogsServiceRequest` straight into `block`, one row per log record.
 * Invalid records are rejected one by one; malformed bytes throw.
 */
export function decodeLogsProto(
  buf: Uint8Array,
  block: LogsBlock,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  const r = new ProtoReader(buf);
  const s = new LogState(block, ctx, outcome);
  const end = buf.length;
  eachField(r, end, 1, (e) => s.resourceLogs(r, e));
}

class LogState {
  readonly resource = new EncodedAttributes();
  readonly scope = new EncodedAttributes();
  resSchemaS = 0;
  resSchemaE = 0;
  scopeSchemaS = 0;
  scopeSchemaE = 0;
  scopeNameS = 0;
  scopeNameE = 0;
  scopeVersionS = 0;
  scopeVersionE = 0;
  readonly attrs: number[] = [];
  readonly mark: number[] = [];
  index = 0;

  constructor(
    readonly block: LogsBlock,
    readonly ctx: DecodeContext,
    readonly outcome: DecodeOutcome,
  ) {}

  resourceLogs(r: ProtoReader, end: number): void {
    const start = r.pos;
    this.resource.reset();
    this.resSchemaS = this.resSchemaE = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_LEN)) {
        const e = r.lenEnd(end);
        readAttributes(r, e, 1, this.resource, this.ctx);
        r.pos = e;
      } else if (tag === ((3 << 3) | WIRE_LEN)) {
        this.resSchemaE = r.lenEnd(end);
        this.resSchemaS = r.pos;
        r.pos = this.resSchemaE;
      } else r.skip(tag & 7, end);
    }
    r.pos = start;
    eachField(r, end, 2, (e) => this.scopeLogs(r, e));
  }

  scopeLogs(r: ProtoReader, end: number): void {
    const start = r.pos;
    this.scope.reset();
    this.scopeSchemaS = this.scopeSchemaE = 0;
    this.scopeNameS = this.scopeNameE = this.scopeVersionS = this.scopeVersionE = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_LEN)) {
        const e = r.lenEnd(end);
        const s = r.pos;
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | WIRE_LEN)) {
            this.scopeNameE = r.lenEnd(e);
            this.scopeNameS = r.pos;
            r.pos = this.scopeNameE;
          } else if (t === ((2 << 3) | WIRE_LEN)) {
            this.scopeVersionE = r.lenEnd(e);
            this.scopeVersionS = r.pos;
            r.pos = this.scopeVersionE;
          } else r.skip(t & 7, e);
        }
        r.pos = s;
        readAttributes(r, e, 3, this.scope, this.ctx);
        r.pos = e;
      } else if (tag === ((3 << 3) | WIRE_LEN)) {
        this.scopeSchemaE = r.lenEnd(end);
        this.scopeSchemaS = r.pos;
        r.pos = this.scopeSchemaE;
      } else r.skip(tag & 7, end);
    }
    r.pos = start;
    eachField(r, end, 2, (e) => this.record(r, e));
  }

  record(r: ProtoReader, end: number): void {
    const index = this.index++;
    const buf = r.buf;
    let tLo = 0;
    let tHi = 0;
    let oLo = 0;
    let oHi = 0;
    let severity = 0;
    let sevS = 0;
    let sevE = 0;
    let bodyS = -1;
    let bodyE = -1;
    let flags = 0;
    let tS = 0;
    let tE = 0;
    let sS = 0;
    let sE = 0;
    let evS = 0;
    let evE = 0;
    const attrs = this.attrs;
    attrs.length = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 1 && wire === WIRE_I64) {
        r.fixed64();
        tLo = r.lo;
        tHi = r.hi;
      } else if (field === 11 && wire === WIRE_I64) {
        r.fixed64();
        oLo = r.lo;
        oHi = r.hi;
      } else if (field === 2 && wire === WIRE_VARINT) severity = r.uint32();
      else if (field === 8 && wire === 5) flags = r.fixed32();
      else if (wire === WIRE_LEN) {
        const e = r.lenEnd(end);
        if (field === 3) {
          sevS = r.pos;
          sevE = e;
        } else if (field === 5) {
          bodyS = r.pos;
          bodyE = e;
        } else if (field === 6) attrs.push(r.pos, e);
        else if (field === 9) {
          tS = r.pos;
          tE = e;
        } else if (field === 10) {
          sS = r.pos;
          sE = e;
        } else if (field === 12) {
          evS = r.pos;
          evE = e;
        }
        r.pos = e;
      } else r.skip(wire, end);
    }
    if (!this.resource.ok || !this.scope.ok)
      return this.outcome.reject(
        `log record ${index}: a resource or scope attribute is over the size limit`,
      );
    if (tE - tS !== 0 && tE - tS !== 16)
      return this.outcome.reject(
        `log record ${index}: trace id must be empty or 16 bytes, got ${tE - tS}`,
      );
    if (sE - sS !== 0 && sE - sS !== 8)
      return this.outcome.reject(
        `log record ${index}: span id must be empty or 8 bytes, got ${sE - sS}`,
      );
    if (severity > 24)
      return this.outcome.reject(
        `log record ${index}: severity number ${severity} is outside 0-24`,
      );

    const b = this.block;
    const mark = b.mark(this.mark);
    for (let i = 0; i < attrs.length; i += 2) {
      r.pos = attrs[i]!;
      if (!writeKeyValue(r, attrs[i + 1]!, b.logAttributes, this.ctx)) {
        b.rollback(mark);
        return this.outcome.reject(`log record ${index}: an attribute is over the size limit`);
      }
    }
    b.logAttributes.offsets.end();
    if (bodyS >= 0) {
      r.pos = bodyS;
      writeAnyValue(r, bodyE, b.body.sink);
    } else b.body.sink.u8(0);
    // The exporter stores the observed time when the event time is unset.
    if (tLo === 0 && tHi === 0) b.timestamp.sink.u64(oLo, oHi);
    else b.timestamp.sink.u64(tLo, tHi);
    writeHexId(b.traceId.sink, buf, tS, tE);
    writeHexId(b.spanId.sink, buf, sS, sE);
    b.traceFlags.sink.u8(flags & 0xff);
    b.severityText.sink.stringBytes(buf, sevS, sevE);
    b.severityNumber.sink.u8(severity);
    const res = this.resource;
    res.writeService(b.serviceName.sink, buf);
    b.resourceSchemaUrl.sink.stringBytes(buf, this.resSchemaS, this.resSchemaE);
    res.copyTo(b.resourceAttributes);
    b.scopeSchemaUrl.sink.stringBytes(buf, this.scopeSchemaS, this.scopeSchemaE);
    b.scopeName.sink.stringBytes(buf, this.scopeNameS, this.scopeNameE);
    b.scopeVersion.sink.stringBytes(buf, this.scopeVersionS, this.scopeVersionE);
    this.scope.copyTo(b.scopeAttributes);
    b.eventName.sink.stringBytes(buf, evS, evE);
    b.projectId.sink.bytes(this.ctx.project, 0, this.ctx.project.length);
    b.rows++;
    this.outcome.accepted++;
    this.ctx.budget.charge(b);
  }
}
