import { type Attributes, context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  type Resource,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InstrumentType,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type ConfigOptions, type ResolvedConfig, resolveConfig } from './config.js';
import { FeatureSampler } from './drift.js';
import { CountingMetricExporter } from './export/counting-metric-exporter.js';
import { AiobsLogRecordProcessor, AiobsSpanProcessor } from './export/processors.js';
import { SignalCounters } from './export/signal-counters.js';
import { registeredGlobals } from './globals.js';
import { attachToMeterProvider } from './metrics/attach.js';
import { GenAiMetricProducer } from './metrics/genai-producer.js';
import { runtime } from './runtime.js';
import { registerDroppedCounter } from './self-metrics.js';
import type { AiobsHandle, PipelineOwnership } from './types.js';

/** Options of {@link init}. Each overrides the matching `OTEL_*` / `AIOBS_*` variable. */
export interface InitOptions extends ConfigOptions {
  /** `service.name` (else `OTEL_SERVICE_NAME`, else OpenTelemetry's `unknown_service:node`). */
  serviceName?: string;
  /** `service.version`. */
  serviceVersion?: string;
  /** `deployment.environment.name`, e.g. `production`. */
  environment?: string;
  /** More resource attributes (on top of `OTEL_RESOURCE_ATTRIBUTES`). */
  resourceAttributes?: Attributes;
  /** Collector base URL (else `OTEL_EXPORTER_OTLP_ENDPOINT`, else `http://localhost:4318`). */
  endpoint?: string;
  /** aiobs ingest key, sent as `Authorization: Bearer <key>` (else `AIOBS_API_KEY`). */
  apiKey?: string;
  /** Replaces the OTLP span exporter (tests, benchmarks, another backend). */
  traceExporter?: SpanExporter;
  /** Replaces the OTLP metric exporter. */
  metricExporter?: PushMetricExporter;
  /** Replaces the OTLP log exporter. */
  logExporter?: LogRecordExporter;
  /** OpenTelemetry instrumentations to enable (e.g. `@opentelemetry/instrumentation-http`). */
  instrumentations?: NodeSDKConfiguration['instrumentations'];
  /** Trace sampler (else `OTEL_TRACES_SAMPLER`, else parent-based always-on). */
  sampler?: Sampler;
}

let current: AiobsHandle | undefined;

/**
 * Sets up OpenTelemetry for the app: `@opentelemetry/sdk-node` with OTLP/HTTP protobuf
 * exporters for traces, metrics and logs, configured from the standard `OTEL_*` variables and
 * `options`. A signal whose global provider the app registered already is left to the app's
 * provider (never a second one); on an app-owned sdk-metrics MeterProvider the GenAI histograms
 * are still aggregated by the SDK and exported through the app's readers (a producer added to
 * each, removed by `shutdown()`). Calling it again returns the same handle. Never throws,
 * prints nothing, and contacts no host but the configured endpoint.
 *
 * @example
 * import { init } from '@aiobs/sdk';
 * const aiobs = init({ serviceName: 'checkout', apiKey: process.env.AIOBS_API_KEY });
 * process.on('SIGTERM', () => aiobs.shutdown().then(() => process.exit(0)));
 */
export function init(options: InitOptions = {}): AiobsHandle {
  if (current) return current;
  try {
    current = start(options);
  } catch (err) {
    diag.error('@aiobs/sdk: init failed; telemetry is off', err);
    current = disabledHandle({ traces: 'app', metrics: 'app', logs: 'app' });
  }
  return current;
}

function start(options: InitOptions): AiobsHandle {
  const cfg = resolveConfig(options, process.env);
  runtime.sampler = new FeatureSampler(cfg.featureSampling);
  runtime.captureContent = cfg.captureMessageContent;
  const before = registeredGlobals();
  const pipeline: PipelineOwnership = {
    traces: before.trace ? 'app' : 'aiobs',
    metrics: before.metrics ? 'app' : 'aiobs',
    logs: before.logs ? 'app' : 'aiobs',
  };
  if (cfg.disabled) return disabledHandle(pipeline);

  const counters = {
    spans: new SignalCounters(),
    logs: new SignalCounters(),
    metric_points: new SignalCounters(),
  };
  const own = (s: keyof PipelineOwnership) => pipeline[s] === 'aiobs';

  const spanProcessor = own('traces')
    ? new AiobsSpanProcessor(
        options.traceExporter ??
          new OTLPTraceExporter({
            url: cfg.urls.traces,
            headers: cfg.headers.traces,
            timeoutMillis: timeoutOf(cfg),
          }),
        cfg.spans,
        counters.spans,
      )
    : undefined;
  const logProcessor = own('logs')
    ? new AiobsLogRecordProcessor(
        options.logExporter ??
          new OTLPLogExporter({
            url: cfg.urls.logs,
            headers: cfg.headers.logs,
            timeoutMillis: timeoutOf(cfg),
          }),
        cfg.logs,
        counters.logs,
      )
    : undefined;
  let reader: PeriodicExportingMetricReader | undefined;
  if (own('metrics')) {
    const exporter =
      options.metricExporter ??
      new OTLPMetricExporter({
        url: cfg.urls.metrics,
        headers: cfg.headers.metrics,
        timeoutMillis: timeoutOf(cfg),
      });
    const temporality =
      exporter.selectAggregationTemporality?.(InstrumentType.HISTOGRAM) ??
      AggregationTemporality.CUMULATIVE;
    reader = new PeriodicExportingMetricReader({
      exporter: new CountingMetricExporter(exporter, counters.metric_points),
      exportIntervalMillis: cfg.metricExportIntervalMillis,
      exportTimeoutMillis: Math.min(cfg.metricExportTimeoutMillis, cfg.metricExportIntervalMillis),
      metricProducers: [new GenAiMetricProducer(runtime.attachAggregator(), temporality)],
    });
  }

  // An app-owned sdk-metrics MeterProvider gets the SDK's producer on its readers (unless the
  // app added aiobsMetricProducer() itself), so the histograms cost what they cost under init()'s
  // own pipeline; any other provider keeps the metrics-API path.
  let detachProducers: (() => void) | undefined;
  if (!own('metrics') && !runtime.isAggregatorAttached) {
    detachProducers = attachToMeterProvider(metrics.getMeterProvider(), runtime.aggregator);
    if (detachProducers !== undefined) runtime.attachAggregator();
  }

  let sdk: NodeSDK | undefined;
  if (spanProcessor || logProcessor || reader) {
    sdk = new NodeSDK({
      resource: buildResource(cfg, options.resourceAttributes),
      autoDetectResources: false,
      spanProcessors: spanProcessor ? [spanProcessor] : [],
      metricReaders: reader ? [reader] : [],
      logRecordProcessors: logProcessor ? [logProcessor] : [],
      instrumentations: options.instrumentations ?? [],
      ...(options.sampler ? { sampler: options.sampler } : {}),
      // `null` tells NodeSDK not to register one: the app already did.
      ...(before.context ? { contextManager: null as never } : {}),
      ...(before.propagation ? { textMapPropagator: null } : {}),
    });
    sdk.start();
  }
  runtime.refresh();
  const unregisterDropped = registerDroppedCounter(runtime.meter(), counters);

  let stopped = false;
  const handle: AiobsHandle = {
    pipeline,
    async forceFlush() {
      await withDeadline(
        (async () => {
          await Promise.allSettled([spanProcessor?.forceFlush(), logProcessor?.forceFlush()]);
          // metrics last, so that the dropped counts include what the span/log flush just lost
          await reader?.forceFlush().catch(() => {});
        })(),
        cfg.shutdownTimeoutMillis,
      );
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      const finished = await withDeadline(
        sdk?.shutdown().catch(() => {}),
        cfg.shutdownTimeoutMillis,
      );
      if (!finished) {
        // The collector is unreachable or slow: count what is left as dropped and move on,
        // so that an app's SIGTERM handler is not held up by telemetry.
        spanProcessor?.abandon();
        logProcessor?.abandon();
      }
      try {
        unregisterDropped();
      } catch {
        // the meter may already be gone
      }
      if (own('traces')) trace.disable();
      if (own('metrics')) metrics.disable();
      if (own('logs') && sdk) logs.disable();
      if (!before.context && sdk) context.disable();
      if (!before.propagation && sdk) propagation.disable();
      try {
        detachProducers?.();
      } catch {
        // the app's reader may be gone already
      }
      // Keep an aggregator that the app's reader reads through aiobsMetricProducer().
      runtime.reset(!own('metrics') && detachProducers === undefined);
      if (current === handle) current = undefined;
    },
    stats: () => ({
      spans: counters.spans.snapshot(),
      logs: counters.logs.snapshot(),
      metricPoints: counters.metric_points.snapshot(),
    }),
  };
  return handle;
}

/** Resolves true when `p` settled within `ms`, false when the deadline came first. */
async function withDeadline(p: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (p === undefined) return true;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([p.then(() => true as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutOf(cfg: ResolvedConfig): number {
  return cfg.otlpTimeoutMillis;
}

/** Default resource + env/process/host detection, then the options (which win). */
function buildResource(cfg: ResolvedConfig, extra: Attributes | undefined): Resource {
  const own: Attributes = { ...(extra ?? {}) };
  if (cfg.serviceName) own['service.name'] = cfg.serviceName;
  if (cfg.serviceVersion) own['service.version'] = cfg.serviceVersion;
  if (cfg.environment) own['deployment.environment.name'] = cfg.environment;
  // Explicit resource attributes win over the downward API's value.
  if (cfg.k8sNodeName && own['k8s.node.name'] === undefined) own['k8s.node.name'] = cfg.k8sNodeName;
  return defaultResource()
    .merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }))
    .merge(resourceFromAttributes(own));
}

function disabledHandle(pipeline: PipelineOwnership): AiobsHandle {
  const empty = () => ({ exported: 0, droppedQueueFull: 0, droppedExportFailed: 0, queued: 0 });
  const handle: AiobsHandle = {
    pipeline,
    forceFlush: async () => {},
    shutdown: async () => {
      if (current === handle) current = undefined;
    },
    stats: () => ({ spans: empty(), logs: empty(), metricPoints: empty() }),
  };
  return handle;
}
