// A small application instrumented with the official OpenTelemetry Node SDK and its OTLP/gRPC
// exporters (the default transport of most SDKs and of the OpenTelemetry Collector). The
// gRPC e2e suite runs it as a child process against a collector, with OTEL_EXPORTER_OTLP_*
// naming the endpoint and key and GZIP=1 for gzip-compressed messages, and compares what
// it reports having sent (one JSON line on stdout) with what the API returns.
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';

const compression = process.env.GZIP === '1' ? 'gzip' : 'none';
const run = process.env.RUN_ID ?? 'run';
const spanCount = Number(process.env.SPANS ?? 20);

const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.version': '1.2.3', 'aiobs.run': run }),
  traceExporter: new OTLPTraceExporter({ compression }),
  metricReaders: [
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ compression }),
      exportIntervalMillis: 60_000,
    }),
  ],
  logRecordProcessors: [
    new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ compression }) }),
  ],
  instrumentations: [],
});
sdk.start();

const tracer = trace.getTracer('e2e-grpc-app', '0.0.1');
const meter = metrics.getMeter('e2e-grpc-app', '0.0.1');
const logger = logs.getLogger('e2e-grpc-app', '0.0.1');
const sent = { traces: [], logs: [], metrics: {} };

const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
const tokens = meter.createCounter('e2e.tokens', { unit: '{token}' });

for (let i = 0; i < spanCount; i++) {
  const model = i % 2 ? 'gpt-4o' : 'gpt-4o-mini';
  tracer.startActiveSpan(`chat ${model}`, { kind: SpanKind.CLIENT }, (parent) => {
    parent.setAttributes({ 'gen_ai.request.model': model, 'e2e.index': i });
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
      attributes: { 'e2e.index': i },
    });
    sent.logs.push({ index: i, traceId: ctx.traceId, spanId: ctx.spanId });
    duration.record(0.1 * (i + 1), { 'gen_ai.request.model': model });
    tokens.add(10, { 'gen_ai.request.model': model });
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
