// A small application instrumented with the official OpenTelemetry Node SDK. The e2e
// suites run it as a child process against a collector, once per OTLP encoding
// (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or http/json), and compare what it reports
// having sent (printed as one JSON line on stdout) with what the API returns.
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsHttp } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsHttp } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesHttp } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';

const json = process.env.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json';
const run = process.env.RUN_ID ?? 'run';
const spanCount = Number(process.env.SPANS ?? 20);

const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.version': '1.2.3', 'aiobs.run': run }),
  traceExporter: json ? new TracesHttp() : new TracesProto(),
  metricReaders: [
    new PeriodicExportingMetricReader({
      exporter: json ? new MetricsHttp() : new MetricsProto(),
      exportIntervalMillis: 60_000,
    }),
  ],
  logRecordProcessors: [
    new BatchLogRecordProcessor({ exporter: json ? new LogsHttp() : new LogsProto() }),
  ],
  instrumentations: [],
});
sdk.start();

const tracer = trace.getTracer('e2e-app', '0.0.1');
const meter = metrics.getMeter('e2e-app', '0.0.1');
const logger = logs.getLogger('e2e-app', '0.0.1');
const sent = { traces: [], metrics: {}, logs: [] };

const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
const tokens = meter.createCounter('e2e.tokens', { unit: '{token}' });
const queue = meter.createUpDownCounter('e2e.queue');
const gauge = meter.createObservableGauge('e2e.temperature', { unit: 'Cel' });
gauge.addCallback((r) => r.observe(41.5, { 'hw.id': 'gpu-0' }));

for (let i = 0; i < spanCount; i++) {
  const model = i % 2 ? 'gpt-4o' : 'gpt-4o-mini';
  tracer.startActiveSpan(`chat ${model}`, { kind: SpanKind.CLIENT }, (parent) => {
    parent.setAttributes({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': 100 + i,
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'e2e.ratio': 0.25,
      'e2e.flag': i % 3 === 0,
      'e2e.index': i,
    });
    parent.addEvent('first_token', { 'e2e.at': i });
    const child = tracer.startSpan('tokenize', { attributes: { 'e2e.child': true } });
    child.end();
    if (i % 5 === 0) parent.setStatus({ code: SpanStatusCode.ERROR, message: `failure ${i}` });
    const ctx = parent.spanContext();
    sent.traces.push({
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      childSpanId: child.spanContext().spanId,
      model,
      index: i,
      error: i % 5 === 0,
    });
    logger.emit({
      severityNumber: i % 5 === 0 ? SeverityNumber.ERROR : SeverityNumber.INFO,
      severityText: i % 5 === 0 ? 'ERROR' : 'INFO',
      body: `handled request ${i}`,
      attributes: { 'e2e.index': i, 'gen_ai.request.model': model },
    });
    sent.logs.push({ index: i, traceId: ctx.traceId, spanId: ctx.spanId });
    duration.record(0.1 * (i + 1), { 'gen_ai.request.model': model });
    tokens.add(10, { 'gen_ai.request.model': model });
    queue.add(i % 2 ? 1 : -1);
    parent.end();
  });
}
sent.metrics = {
  histogramCount: spanCount,
  histogramSum: Array.from({ length: spanCount }, (_, i) => 0.1 * (i + 1)).reduce(
    (a, b) => a + b,
    0,
  ),
  tokensPerModel: (spanCount / 2) * 10,
};
await sdk.shutdown();
process.stdout.write(`${JSON.stringify(sent)}\n`);
