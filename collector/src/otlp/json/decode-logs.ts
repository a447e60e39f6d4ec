import type { LogsBlock } from '../../storage/tables/logs-block.js';
import type { DecodeContext, DecodeOutcome } from '../outcome.js';
import { anyValueString, JsonAttributes, writeAttributesJson } from './attributes.js';
import { SEVERITY_NUMBER_ENUM } from './enum-names.js';
import {
  array,
  eachObject,
  enumValue,
  hexId,
  inField,
  int32,
  type JsonObject,
  object,
  parseBody,
  string,
  u64,
  uint64,
  within,
} from './values.js';

/**
 * Decodes an OTLP/JSON `ExportLogsServiceRequest` into `block`, one row per log record,
 * exactly as `decodeLogsProto` does for the same data (same rows, same rejections).
 * Invalid JSON or a field of the wrong type throws `OtlpDecodeError`.
 */
export function decodeLogsJson(
  body: Uint8Array,
  block: LogsBlock,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  const root = parseBody(body);
  const list = array(root.resourceLogs ?? root.resource_logs, 'resourceLogs');
  const state = new LogState(block, ctx, outcome);
  eachObject(list, 'resourceLogs', (o) => state.resourceLogs(o));
}

class LogState {
  readonly resource = new JsonAttributes();
  readonly scope = new JsonAttributes();
  resourceSchema = '';
  scopeSchema = '';
  scopeName = '';
  scopeVersion = '';
  readonly mark: number[] = [];
  index = 0;

  constructor(
    readonly block: LogsBlock,
    readonly ctx: DecodeContext,
    readonly outcome: DecodeOutcome,
  ) {}

  resourceLogs(rl: JsonObject): void {
    this.resource.reset();
    if (rl.resource != null) {
      inField('resource', () => this.resource.read(object(rl.resource, ''), this.ctx));
    }
    this.resourceSchema = string(rl.schemaUrl ?? rl.schema_url, 'schemaUrl');
    const list = array(rl.scopeLogs ?? rl.scope_logs, 'scopeLogs');
    eachObject(list, 'scopeLogs', (o) => this.scopeLogs(o));
  }

  scopeLogs(sl: JsonObject): void {
    this.scope.reset();
    this.scopeName = '';
    this.scopeVersion = '';
    if (sl.scope != null) {
      try {
        const scope = object(sl.scope, '');
        this.scopeName = string(scope.name, 'name');
        this.scopeVersion = string(scope.version, 'version');
        this.scope.read(scope, this.ctx);
      } catch (e) {
        throw within(e, 'scope');
      }
    }
    this.scopeSchema = string(sl.schemaUrl ?? sl.schema_url, 'schemaUrl');
    const list = array(sl.logRecords ?? sl.log_records, 'logRecords');
    eachObject(list, 'logRecords', (o) => this.record(o));
  }

  record(lr: JsonObject): void {
    const index = this.index++;
    uint64(lr.timeUnixNano ?? lr.time_unix_nano, 'timeUnixNano');
    const tLo = u64.lo;
    const tHi = u64.hi;
    uint64(lr.observedTimeUnixNano ?? lr.observed_time_unix_nano, 'observedTimeUnixNano');
    const oLo = u64.lo;
    const oHi = u64.hi;
    // As an unsigned varint, the way the protobuf decoder reads a negative number.
    const severity =
      enumValue(lr.severityNumber ?? lr.severity_number, 'severityNumber', SEVERITY_NUMBER_ENUM) >>>
      0;
    const severityText = string(lr.severityText ?? lr.severity_text, 'severityText');
    const flags = int32(lr.flags, 'flags', true);
    const traceId = hexId(lr.traceId ?? lr.trace_id, 'traceId');
    const spanId = hexId(lr.spanId ?? lr.span_id, 'spanId');
    const eventName = string(lr.eventName ?? lr.event_name, 'eventName');

    if (!this.resource.ok || !this.scope.ok)
      return this.reject(index, 'a resource or scope attribute is over the size limit');
    if (traceId.length !== 0 && traceId.length !== 32)
      return this.reject(index, `trace id must be empty or 16 bytes, got ${traceId.length / 2}`);
    if (spanId.length !== 0 && spanId.length !== 16)
      return this.reject(index, `span id must be empty or 8 bytes, got ${spanId.length / 2}`);
    if (severity > 24) return this.reject(index, `severity number ${severity} is outside 0-24`);

    const b = this.block;
    const mark = b.mark(this.mark);
    if (!writeAttributesJson(lr.attributes, 'attributes', b.logAttributes, this.ctx)) {
      b.rollback(mark);
      return this.reject(index, 'an attribute is over the size limit');
    }
    b.logAttributes.offsets.end();
    b.body.sink.string(inField('body', () => anyValueString(lr.body)));
    // The exporter stores the observed time when the event time is unset.
    if (tLo === 0 && tHi === 0) b.timestamp.sink.u64(oLo, oHi);
    else b.timestamp.sink.u64(tLo, tHi);
    b.traceId.sink.string(traceId);
    b.spanId.sink.string(spanId);
    b.traceFlags.sink.u8(flags & 0xff);
    b.severityText.sink.string(severityText);
    b.severityNumber.sink.u8(severity);
    this.resource.writeService(b.serviceName.sink);
    b.resourceSchemaUrl.sink.string(this.resourceSchema);
    this.resource.copyTo(b.resourceAttributes);
    b.scopeSchemaUrl.sink.string(this.scopeSchema);
    b.scopeName.sink.string(this.scopeName);
    b.scopeVersion.sink.string(this.scopeVersion);
    this.scope.copyTo(b.scopeAttributes);
    b.eventName.sink.string(eventName);
    b.projectId.sink.bytes(this.ctx.project, 0, this.ctx.project.length);
    b.rows++;
    this.outcome.accepted++;
    this.ctx.budget.charge(b);
  }

  reject(index: number, why: string): void {
    this.outcome.reject(`log record ${index}: ${why}`);
  }
}
