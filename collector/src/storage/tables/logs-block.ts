import { NativeBlock } from '../native/block.js';
import { MapColumn, SinkColumn } from '../native/columns.js';

/** Columns of `otel_logs` (`TimestampTime` is left to its DEFAULT). */
export class LogsBlock extends NativeBlock {
  readonly timestamp = new SinkColumn('Timestamp', 'DateTime64(9)');
  readonly traceId = new SinkColumn('TraceId', 'String');
  readonly spanId = new SinkColumn('SpanId', 'String');
  readonly traceFlags = new SinkColumn('TraceFlags', 'UInt8');
  readonly severityText = new SinkColumn('SeverityText', 'String');
  readonly severityNumber = new SinkColumn('SeverityNumber', 'UInt8');
  readonly serviceName = new SinkColumn('ServiceName', 'String');
  readonly body = new SinkColumn('Body', 'String');
  readonly resourceSchemaUrl = new SinkColumn('ResourceSchemaUrl', 'String');
  readonly resourceAttributes = new MapColumn('ResourceAttributes');
  readonly scopeSchemaUrl = new SinkColumn('ScopeSchemaUrl', 'String');
  readonly scopeName = new SinkColumn('ScopeName', 'String');
  readonly scopeVersion = new SinkColumn('ScopeVersion', 'String');
  readonly scopeAttributes = new MapColumn('ScopeAttributes');
  readonly logAttributes = new MapColumn('LogAttributes');
  readonly eventName = new SinkColumn('EventName', 'String');
  readonly projectId = new SinkColumn('ProjectId', 'String');

  constructor() {
    super('otel_logs');
    this.columns = [
      this.timestamp,
      this.traceId,
      this.spanId,
      this.traceFlags,
      this.severityText,
      this.severityNumber,
      this.serviceName,
      this.body,
      this.resourceSchemaUrl,
      this.resourceAttributes,
      this.scopeSchemaUrl,
      this.scopeName,
      this.scopeVersion,
      this.scopeAttributes,
      this.logAttributes,
      this.eventName,
      this.projectId,
    ];
  }
}
