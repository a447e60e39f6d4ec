import { NativeBlock } from '../native/block.js';
import { ArrayColumn, MapColumn, Offsets, SinkColumn } from '../native/columns.js';

/** Columns of `otel_traces`, as the OpenTelemetry Collector ClickHouse exporter writes them. */
export class TracesBlock extends NativeBlock {
  readonly timestamp = new SinkColumn('Timestamp', 'DateTime64(9)');
  readonly traceId = new SinkColumn('TraceId', 'String');
  readonly spanId = new SinkColumn('SpanId', 'String');
  readonly parentSpanId = new SinkColumn('ParentSpanId', 'String');
  readonly traceState = new SinkColumn('TraceState', 'String');
  readonly spanName = new SinkColumn('SpanName', 'String');
  readonly spanKind = new SinkColumn('SpanKind', 'String');
  readonly serviceName = new SinkColumn('ServiceName', 'String');
  readonly resourceAttributes = new MapColumn('ResourceAttributes');
  readonly scopeName = new SinkColumn('ScopeName', 'String');
  readonly scopeVersion = new SinkColumn('ScopeVersion', 'String');
  readonly spanAttributes = new MapColumn('SpanAttributes');
  readonly duration = new SinkColumn('Duration', 'UInt64');
  readonly statusCode = new SinkColumn('StatusCode', 'String');
  readonly statusMessage = new SinkColumn('StatusMessage', 'String');
  readonly events = new Offsets();
  readonly eventTimestamp = new SinkColumn('Timestamp', 'DateTime64(9)', 1024);
  readonly eventName = new SinkColumn('Name', 'String', 1024);
  readonly eventAttributes = new MapColumn('Attributes');
  readonly links = new Offsets();
  readonly linkTraceId = new SinkColumn('TraceId', 'String', 1024);
  readonly linkSpanId = new SinkColumn('SpanId', 'String', 1024);
  readonly linkTraceState = new SinkColumn('TraceState', 'String', 1024);
  readonly linkAttributes = new MapColumn('Attributes');
  readonly projectId = new SinkColumn('ProjectId', 'String');

  constructor() {
    super('otel_traces');
    const events = this.events;
    const links = this.links;
    this.columns = [
      this.timestamp,
      this.traceId,
      this.spanId,
      this.parentSpanId,
      this.traceState,
      this.spanName,
      this.spanKind,
      this.serviceName,
      this.resourceAttributes,
      this.scopeName,
      this.scopeVersion,
      this.spanAttributes,
      this.duration,
      this.statusCode,
      this.statusMessage,
      new ArrayColumn('Events.Timestamp', events, this.eventTimestamp, true),
      new ArrayColumn('Events.Name', events, this.eventName, false),
      new ArrayColumn('Events.Attributes', events, this.eventAttributes, false),
      new ArrayColumn('Links.TraceId', links, this.linkTraceId, true),
      new ArrayColumn('Links.SpanId', links, this.linkSpanId, false),
      new ArrayColumn('Links.TraceState', links, this.linkTraceState, false),
      new ArrayColumn('Links.Attributes', links, this.linkAttributes, false),
      this.projectId,
    ];
  }
}
