// A small application instrumented with the official OpenTelemetry Node SDK and its OTLP/gRPC
// exporters (the default transport of most SDKs and of the OpenTelemetry Collector). The
// gRPC e2e suite runs it as a child process against a collector, with OTEL_EXPORTER_OTLP_*
// naming the endpoint and key and GZIP=1 for gzip-compressed messages, and compares what
// it reports having sent (one JSON line on stdout) with what the API returns. What it
// sends is in workload.mjs, shared with otel-app.mjs.
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { emitWorkload } from './workload.mjs';

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

const sent = emitWorkload('e2e-grpc-app', spanCount);
await sdk.shutdown();
process.stdout.write(`${JSON.stringify(sent)}\n`);
