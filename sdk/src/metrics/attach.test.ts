import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { attachToMeterProvider } from './attach.js';
import { GenAiAggregator } from './genai-aggregator.js';

const providers: MeterProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) await p.shutdown();
});

function appProvider(temporality: AggregationTemporality) {
  const exporter = new InMemoryMetricExporter(temporality);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  const collect = async () => {
    const r = await reader.collect();
    return r.resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  };
  return { provider, collect };
}

function recordOne(agg: GenAiAggregator, duration: number) {
  agg
    .seriesFor('chat', 'openai', 'm', undefined, undefined, undefined, undefined)
    .record(duration, undefined, 'm-2024', 3, 4, undefined);
}

describe('attachToMeterProvider', () => {
  it("exports the aggregator through an sdk-metrics provider's reader, with its temporality", async () => {
    const agg = new GenAiAggregator();
    const app = appProvider(AggregationTemporality.DELTA);
    const detach = attachToMeterProvider(app.provider, agg);
    expect(detach).toBeTypeOf('function');
    recordOne(agg, 0.5);
    const first = await app.collect();
    const dur = first.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
    expect(dur?.aggregationTemporality).toBe(AggregationTemporality.DELTA);
    const point = dur?.dataPoints[0] as DataPoint<Histogram> | undefined;
    expect(point?.value.count).toBe(1);
    expect(point?.attributes['gen_ai.response.model']).toBe('m-2024');
    // delta: nothing new, no point
    expect(
      (await app.collect()).find((m) => m.descriptor.name === 'gen_ai.client.operation.duration'),
    ).toBeUndefined();
    detach?.();
    recordOne(agg, 0.5);
    expect(
      (await app.collect()).find((m) => m.descriptor.name === 'gen_ai.client.operation.duration'),
    ).toBeUndefined();
  });

  it('attaches once per reader, however often it is called, until detached', async () => {
    const agg = new GenAiAggregator();
    const app = appProvider(AggregationTemporality.CUMULATIVE);
    const detach = attachToMeterProvider(app.provider, agg);
    const again = attachToMeterProvider(app.provider, agg);
    recordOne(agg, 1);
    const durations = (await app.collect()).filter(
      (m) => m.descriptor.name === 'gen_ai.client.operation.duration',
    );
    expect(durations).toHaveLength(1);
    again?.(); // added nothing, removes nothing
    expect(
      (await app.collect()).filter((m) => m.descriptor.name === 'gen_ai.client.operation.duration'),
    ).toHaveLength(1);
    detach?.();
    const afterDetach = attachToMeterProvider(app.provider, agg);
    expect(
      (await app.collect()).filter((m) => m.descriptor.name === 'gen_ai.client.operation.duration'),
    ).toHaveLength(1);
    afterDetach?.();
  });

  it('attaches nothing to providers of another shape', () => {
    const agg = new GenAiAggregator();
    expect(attachToMeterProvider(undefined, agg)).toBeUndefined();
    expect(attachToMeterProvider({ getMeter: () => ({}) }, agg)).toBeUndefined();
    expect(
      attachToMeterProvider({ _sharedState: { metricCollectors: [{ _metricReader: {} }] } }, agg),
    ).toBeUndefined();
    // a provider without readers has nothing to attach to
    const bare = new MeterProvider();
    providers.push(bare);
    expect(attachToMeterProvider(bare, agg)).toBeUndefined();
  });
});
