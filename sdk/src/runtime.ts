import {
  type Gauge,
  type Meter,
  type MeterProvider,
  metrics,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { type Logger, logs } from '@opentelemetry/api-logs';
import { envBoolean, envFeatureSampling } from './config.js';
import { FeatureSampler } from './drift.js';
import { ApiMetricSink } from './metrics/api-sink.js';
import { GenAiAggregator } from './metrics/genai-aggregator.js';
import type { MetricSink } from './metrics/sink.js';
import { METRIC_AIOBS_INFERENCE_QUEUE_DEPTH, SCOPE_NAME } from './semconv.js';
import { SDK_VERSION } from './version.js';

/**
 * The SDK's process-wide state: where spans, metrics and logs go right now. Before `init()` (or
 * with an app-owned pipeline) everything goes through the OpenTelemetry API globals, so the
 * SDK costs nothing when no OpenTelemetry SDK is registered.
 */
class Runtime {
  tracer: Tracer = trace.getTracer(SCOPE_NAME, SDK_VERSION);
  logger: Logger = logs.getLogger(SCOPE_NAME, SDK_VERSION);
  sampler = new FeatureSampler(envFeatureSampling(process.env));
  captureContent = envBoolean(process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT);
  /** The SDK's own histogram aggregator; used once a producer for it is attached to a reader. */
  aggregator = new GenAiAggregator();
  private aggregatorAttached = false;
  private apiProvider: MeterProvider | undefined;
  private apiSink: MetricSink | undefined;
  private gaugeProvider: MeterProvider | undefined;
  private queueGauge: Gauge | undefined;

  /** Where `observeInference` records its histograms now. */
  sink(): MetricSink {
    if (this.aggregatorAttached) return this.aggregator;
    const p = metrics.getMeterProvider();
    if (p !== this.apiProvider || this.apiSink === undefined) {
      this.apiProvider = p;
      this.apiSink = new ApiMetricSink(p.getMeter(SCOPE_NAME, SDK_VERSION));
    }
    return this.apiSink;
  }

  /** Sends the GenAI histograms to {@link aggregator} from now on (a producer reads it). */
  attachAggregator(): GenAiAggregator {
    this.aggregatorAttached = true;
    return this.aggregator;
  }

  get isAggregatorAttached(): boolean {
    return this.aggregatorAttached;
  }

  /** The `aiobs.inference.queue.depth` gauge on the current global MeterProvider. */
  queueDepthGauge(): Gauge {
    const p = metrics.getMeterProvider();
    if (p !== this.gaugeProvider || this.queueGauge === undefined) {
      this.gaugeProvider = p;
      this.queueGauge = this.meter(p).createGauge(METRIC_AIOBS_INFERENCE_QUEUE_DEPTH, {
        description: 'Requests waiting for a model.',
        unit: '{request}',
      });
    }
    return this.queueGauge;
  }

  meter(provider: MeterProvider = metrics.getMeterProvider()): Meter {
    return provider.getMeter(SCOPE_NAME, SDK_VERSION);
  }

  /** Re-reads the globals after providers were registered or removed. */
  refresh(): void {
    this.tracer = trace.getTracer(SCOPE_NAME, SDK_VERSION);
    this.logger = logs.getLogger(SCOPE_NAME, SDK_VERSION);
    this.apiSink = undefined;
    this.queueGauge = undefined;
  }

  /**
   * Back to the state of a fresh process (after `shutdown()`). `keepAggregator` keeps an
   * aggregator that the app's own reader reads through {@link aiobsMetricProducer}.
   */
  reset(keepAggregator = false): void {
    if (!keepAggregator) {
      this.aggregator = new GenAiAggregator();
      this.aggregatorAttached = false;
    }
    this.sampler = new FeatureSampler(envFeatureSampling(process.env));
    this.captureContent = envBoolean(
      process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
    );
    this.refresh();
  }
}

/** The one runtime of this process. */
export const runtime = new Runtime();
