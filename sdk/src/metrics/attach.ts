import {
  AggregationTemporality,
  InstrumentType,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { GenAiAggregator } from './genai-aggregator.js';
import { GenAiMetricProducer } from './genai-producer.js';

/** The parts of an sdk-metrics `MetricReader` that attaching a producer relies on. */
interface ReaderShape {
  _metricProducers: MetricProducer[];
  selectAggregationTemporality(t: InstrumentType): AggregationTemporality;
}

/** Readers that carry a producer of ours already, so that a second `init()` adds none. */
const attached = new WeakSet<object>();

/**
 * The readers of an `@opentelemetry/sdk-metrics` MeterProvider, or undefined when `provider`
 * is anything else (another implementation, a wrapper, a changed sdk-metrics layout).
 */
function readersOf(provider: unknown): ReaderShape[] | undefined {
  const shared = (provider as { _sharedState?: { metricCollectors?: unknown } } | null)
    ?._sharedState;
  const collectors = shared?.metricCollectors;
  if (!Array.isArray(collectors) || collectors.length === 0) return undefined;
  const readers: ReaderShape[] = [];
  for (const c of collectors) {
    const r = (c as { _metricReader?: Partial<ReaderShape> } | null)?._metricReader;
    if (
      r === undefined ||
      r === null ||
      !Array.isArray(r._metricProducers) ||
      typeof r.selectAggregationTemporality !== 'function'
    ) {
      return undefined;
    }
    readers.push(r as ReaderShape);
  }
  return readers;
}

/**
 * Makes an app-owned sdk-metrics MeterProvider export the SDK's own GenAI histograms: adds a
 * {@link GenAiMetricProducer} (with the reader's histogram temporality) to each of its
 * readers, as `aiobsMetricProducer()` in the app's reader config would, so that a call records
 * into the cheap aggregator instead of three sdk-metrics `record()`s. sdk-metrics has no public
 * way to add a producer to a built reader, so this uses the readers' producer list; it checks
 * the layout first and returns undefined (attaching nothing) when it is not the expected one.
 * Returns a function that removes the producers again.
 */
export function attachToMeterProvider(
  provider: unknown,
  aggregator: GenAiAggregator,
): (() => void) | undefined {
  try {
    const readers = readersOf(provider);
    if (readers === undefined) return undefined;
    const added: [ReaderShape, MetricProducer][] = [];
    for (const r of readers) {
      if (attached.has(r)) continue;
      const temporality =
        r.selectAggregationTemporality(InstrumentType.HISTOGRAM) ??
        AggregationTemporality.CUMULATIVE;
      const producer = new GenAiMetricProducer(aggregator, temporality);
      r._metricProducers.push(producer);
      attached.add(r);
      added.push([r, producer]);
    }
    return () => {
      for (const [r, producer] of added) {
        const i = r._metricProducers.indexOf(producer);
        if (i >= 0) r._metricProducers.splice(i, 1);
        attached.delete(r);
      }
    };
  } catch {
    return undefined;
  }
}
