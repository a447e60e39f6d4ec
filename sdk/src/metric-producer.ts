import { AggregationTemporality, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { GenAiMetricProducer } from './metrics/genai-producer.js';
import { runtime } from './runtime.js';

/**
 * For apps that own their MeterProvider: a MetricProducer to add to the app's reader, so the
 * SDK aggregates its GenAI histograms itself instead of calling the metrics API per inference.
 * `init()` does this by itself for the readers of the global sdk-metrics MeterProvider; this
 * is for other readers (or to attach before `init()`). A provider the SDK cannot attach to
 * gets the same histograms through the metrics API, at that SDK's per-call cost.
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
