// A small application instrumented with the official OpenTelemetry Node SDK. The e2e
// suites run it as a child process against a collector, once per OTLP encoding
// (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or http/json), and compare what it reports
// having sent (printed as one JSON line on stdout) with what the API returns. What it sends
// is in workload.mjs, shared with otel-grpc-app.mjs.
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
import { emitWorkload } from './workload.mjs';

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

const sent = emitWorkload('e2e-app', spanCount);
await sdk.shutdown();
process.stdout.write(`${JSON.stringify(sent)}\n`);
