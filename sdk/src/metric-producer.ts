import { AggregationTemporality, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { GenAiMetricProducer } from './metrics/genai-producer.js';
import { runtime } from './runtime.js';

/**
 * For apps that own their MeterProvider: a MetricProducer to add to the app's reader, so the
 * SDK aggregates its GenAI histograms itself (the fast path `init()` uses) instead of calling
 * the metrics API per inference. Without it, an app-owned pipeline still gets the same
 * histograms through the metrics API, at sdk-metrics' per-call cost.
 *
 * @example
 * const reader = new PeriodicExportingMetricReader({
 *   exporter: new OTLPMetricExporter(),
 *   metricProducers: [aiobsMetricProducer()],
 * });
 */
export function aiobsMetricProducer(
  options: { temporality?: AggregationTemporality } = {},
): MetricProducer {
  return new GenAiMetricProducer(
    runtime.attachAggregator(),
    options.temporality ?? AggregationTemporality.CUMULATIVE,
  );
}
