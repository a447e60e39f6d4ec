import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { histogramPoints, initInMemory } from './in-memory.test-util.js';
import { init } from './init.js';
import { observeInference } from './instrument.js';
import { aiobsMetricProducer } from './metric-producer.js';
import { runtime } from './runtime.js';
import { GEN_AI_DURATION_BUCKETS } from './semconv.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const k of [
    'OTEL_SERVICE_NAME',
    'OTEL_RESOURCE_ATTRIBUTES',
    'OTEL_SDK_DISABLED',
    'K8S_NODE_NAME',
  ])
    delete process.env[k];
});

/** Registers tracing and metrics the way an app with its own OpenTelemetry setup does. */
function appOwnedPipeline(withProducer: boolean) {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
    ...(withProducer ? { metricProducers: [aiobsMetricProducer()] } : {}),
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  cleanups.push(async () => {
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    trace.disable();
    metrics.disable();
    context.disable();
  });
  const lastMetrics = async () => {
    await reader.forceFlush();
    return (
      metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((s) => s.metrics) ?? []
    );
  };
  return { spans, lastMetrics };
}

describe('init', () => {
  it('registers its own pipeline when the app has none, and unregisters it on shutdown', async () => {
    const p = initInMemory();
    expect(p.handle.pipeline).toEqual({ traces: 'aiobs', metrics: 'aiobs', logs: 'aiobs' });
    expect(init()).toBe(p.handle);
    await observeInference({ model: 'm', provider: 'p' }, async () => 1);
    expect(await p.spans()).toHaveLength(1);
    expect(p.handle.stats().spans.exported).toBe(1);
    await p.shutdown();
    expect(trace.getTracerProvider().constructor.name).toBe('ProxyTracerProvider');
    // after shutdown the SDK is a no-op again, and a new init works
    expect(observeInference({ model: 'm', provider: 'p' }, () => 'ok')).toBe('ok');
    const again = initInMemory();
    cleanups.push(() => again.shutdown());
    expect(again.handle).not.toBe(p.handle);
    observeInference({ model: 'm', provider: 'p' }, () => 1);
    expect(await again.spans()).toHaveLength(1);
  });

  it("uses the app's providers instead of registering a second pipeline", async () => {
    const app = appOwnedPipeline(false);
    const handle = init({ logExporter: undefined, metricExportIntervalMillis: 3_600_000 });
    cleanups.push(() => handle.shutdown());
    expect(handle.pipeline).toEqual({ traces: 'app', metrics: 'app', logs: 'aiobs' });
    await observeInference({ model: 'm', provider: 'p', version: 'v1' }, async (inf) =>
      inf.setUsage({ inputTokens: 5 }),
    );
    const [span] = app.spans.getFinishedSpans();
    expect(span?.name).toBe('chat m');
    const dur = histogramPoints(await app.lastMetrics(), 'gen_ai.client.operation.duration', {
      'aiobs.model.version': 'v1',
    });
    expect(dur).toHaveLength(1);
    // the conventions' buckets travel as instrument advice
    expect(dur[0]?.value.buckets.boundaries).toEqual([...GEN_AI_DURATION_BUCKETS]);
  });

  it("aggregates itself on the app's sdk-metrics reader without aiobsMetricProducer()", async () => {
    const app = appOwnedPipeline(false);
    const handle = init({ metricExportIntervalMillis: 3_600_000 });
    expect(runtime.isAggregatorAttached).toBe(true); // the fast path, not the metrics API
    for (let i = 0; i < 3; i++) {
      await observeInference({ model: 'm', provider: 'p' }, async (inf) => {
        inf.setUsage({ inputTokens: 5, outputTokens: 7 });
        inf.setResponseModel('m-2024');
        return i;
      });
    }
    const all = await app.lastMetrics();
    const durations = all.filter((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
    // one metric (from the SDK's producer, not also through the API), one attribute set
    expect(durations).toHaveLength(1);
    expect(durations[0]?.dataPoints).toHaveLength(1);
    const point = durations[0]?.dataPoints[0] as DataPoint<Histogram> | undefined;
    expect(point?.value.count).toBe(3);
    expect(point?.attributes['gen_ai.response.model']).toBe('m-2024');
    expect(point?.value.buckets.boundaries).toEqual([...GEN_AI_DURATION_BUCKETS]);
    const tokens = histogramPoints(all, 'gen_ai.client.token.usage', {
      'gen_ai.token.type': 'output',
    });
    expect(tokens[0]?.value.sum).toBe(21);
    await handle.shutdown();
    // after shutdown the reader no longer carries the SDK's producer, and a new init() attaches
    // exactly one again (no double counting)
    const again = init({ metricExportIntervalMillis: 3_600_000 });
    cleanups.push(() => again.shutdown());
    await observeInference({ model: 'm', provider: 'p' }, async () => 1);
    const later = (await app.lastMetrics()).filter(
      (m) => m.descriptor.name === 'gen_ai.client.operation.duration',
    );
    expect(later).toHaveLength(1);
    expect((later[0]?.dataPoints[0] as DataPoint<Histogram> | undefined)?.value.count).toBe(1);
  });

  it('records through the metrics API when the app provider is not an sdk-metrics one', async () => {
    const app = appOwnedPipeline(false);
    // an app wrapping its provider: the SDK cannot reach the readers, so it uses the API
    const real = metrics.getMeterProvider();
    metrics.disable();
    metrics.setGlobalMeterProvider({ getMeter: (...a) => real.getMeter(...a) });
    const handle = init({ metricExportIntervalMillis: 3_600_000 });
    cleanups.push(() => handle.shutdown());
    expect(runtime.isAggregatorAttached).toBe(false);
    for (let i = 0; i < 2; i++) {
      await observeInference({ model: 'm', provider: 'p' }, async (inf) => {
        inf.setResponseModel('m-2024');
        return i;
      });
    }
    const dur = histogramPoints(await app.lastMetrics(), 'gen_ai.client.operation.duration', {
      'gen_ai.response.model': 'm-2024',
    });
    expect(dur).toHaveLength(1);
    expect(dur[0]?.value.count).toBe(2);
  });

  it('aggregates itself when the app adds aiobsMetricProducer() to its reader', async () => {
    const app = appOwnedPipeline(true);
    const handle = init({ metricExportIntervalMillis: 3_600_000 });
    cleanups.push(() => handle.shutdown());
    for (let i = 0; i < 3; i++) observeInference({ model: 'm', provider: 'p' }, () => i);
    const all = await app.lastMetrics();
    const durations = all.filter((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
    expect(durations).toHaveLength(1); // from the producer only, not also through the API
    const point = durations[0]?.dataPoints[0] as DataPoint<Histogram> | undefined;
    expect(point?.value.count).toBe(3);
  });

  it('takes service name and resource attributes from options over the environment', async () => {
    process.env.OTEL_SERVICE_NAME = 'from-env';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'team=ml,region=eu';
    const p = initInMemory({
      serviceName: 'from-options',
      environment: 'staging',
      resourceAttributes: { region: 'us' },
    });
    cleanups.push(() => p.shutdown());
    observeInference({ model: 'm', provider: 'p' }, () => 1);
    const [span] = await p.spans();
    const attrs = (span as ReadableSpan).resource.attributes;
    expect(attrs['service.name']).toBe('from-options');
    expect(attrs['deployment.environment.name']).toBe('staging');
    expect(attrs.team).toBe('ml');
    expect(attrs.region).toBe('us');
  });

  it('reports the Kubernetes node name from K8S_NODE_NAME, unless set explicitly', async () => {
    process.env.K8S_NODE_NAME = 'gpu-node-7';
    const p = initInMemory({});
    cleanups.push(() => p.shutdown());
    observeInference({ model: 'm', provider: 'p' }, () => 1);
    const [span] = await p.spans();
    expect((span as ReadableSpan).resource.attributes['k8s.node.name']).toBe('gpu-node-7');
    await p.shutdown();
    const q = initInMemory({ resourceAttributes: { 'k8s.node.name': 'explicit' } });
    cleanups.push(() => q.shutdown());
    observeInference({ model: 'm', provider: 'p' }, () => 1);
    const [other] = await q.spans();
    expect((other as ReadableSpan).resource.attributes['k8s.node.name']).toBe('explicit');
  });

  it('does nothing with OTEL_SDK_DISABLED=true', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    const handle = init();
    cleanups.push(() => handle.shutdown());
    expect(trace.getTracerProvider().constructor.name).toBe('ProxyTracerProvider');
    expect(observeInference({ model: 'm', provider: 'p' }, () => 'ran')).toBe('ran');
    expect(handle.stats().spans).toEqual({
      exported: 0,
      droppedQueueFull: 0,
      droppedExportFailed: 0,
      queued: 0,
    });
  });

  it('counts spans it had to drop and exports the count as aiobs.sdk.telemetry.dropped', async () => {
    let release: (() => void) | undefined;
    const stuck: SpanExporter = {
      export(_spans, done) {
        release = () => done({ code: ExportResultCode.FAILED });
      },
      shutdown: async () => {},
    };
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const handle = init({
      traceExporter: stuck,
      metricExporter,
      maxQueueSize: 4,
      maxExportBatchSize: 2,
      metricExportIntervalMillis: 3_600_000,
    });
    cleanups.push(() => handle.shutdown());
    for (let i = 0; i < 2; i++) observeInference({ model: 'm', provider: 'p' }, () => i);
    await expect.poll(() => release !== undefined).toBe(true);
    for (let i = 0; i < 10; i++) observeInference({ model: 'm', provider: 'p' }, () => i);
    expect(handle.stats().spans).toMatchObject({ droppedQueueFull: 6, queued: 4 });
    release?.();
    const flushing = handle.forceFlush();
    for (let i = 0; i < 2; i++) {
      const before = release;
      await expect.poll(() => release !== before).toBe(true);
      release?.();
    }
    await flushing;
    expect(handle.stats().spans).toMatchObject({
      exported: 0,
      droppedQueueFull: 6,
      droppedExportFailed: 6,
      queued: 0,
    });
    const dropped = metricExporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'aiobs.sdk.telemetry.dropped');
    const byKey = Object.fromEntries(
      (dropped?.dataPoints ?? []).map((d) => [
        `${d.attributes['aiobs.signal']}/${d.attributes['error.type']}`,
        d.value,
      ]),
    );
    expect(byKey['spans/queue_full']).toBe(6);
    expect(byKey['spans/export_failed']).toBe(6);
    expect(byKey['logs/queue_full']).toBe(0);
  });

  it('registers W3C trace-context propagation and a logger provider', async () => {
    const p = initInMemory();
    cleanups.push(() => p.shutdown());
    expect(propagation.fields()).toEqual(
      expect.arrayContaining(['traceparent', 'tracestate', 'baggage']),
    );
    expect(logs.getLoggerProvider().constructor.name).toBe('LoggerProvider');
  });
});
