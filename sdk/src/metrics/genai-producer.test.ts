import { AggregationTemporality, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { GenAiAggregator } from './genai-aggregator.js';
import { GenAiMetricProducer } from './genai-producer.js';

const points = (p: GenAiMetricProducer, name: string) =>
  (p.metrics().find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<Histogram>[];

describe('GenAiMetricProducer', () => {
  it('exports cumulative histograms per attribute set, with the series start time', async () => {
    let now = 1_000_000;
    const agg = new GenAiAggregator(100, () => now);
    const producer = new GenAiMetricProducer(agg, AggregationTemporality.CUMULATIVE, () => now);
    const s = agg.seriesFor('chat', 'openai', 'gpt', 'v1', 'a', 'api.openai.com', 443);
    expect(agg.seriesFor('chat', 'openai', 'gpt', 'v1', 'a', 'api.openai.com', 443)).toBe(s);
    s.record(0.5, undefined, undefined, 10, 20, undefined);
    s.record(1.5, 'RateLimitError', undefined, undefined, undefined, undefined);
    now += 5000;
    const dur = points(producer, 'gen_ai.client.operation.duration');
    expect(dur).toHaveLength(2);
    const ok = dur.find((d) => d.attributes['error.type'] === undefined);
    expect(ok?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt',
      'aiobs.model.version': 'v1',
      'aiobs.deployment.variant': 'a',
      'server.address': 'api.openai.com',
      'server.port': 443,
    });
    expect(ok?.value).toMatchObject({ count: 1, sum: 0.5, min: 0.5, max: 0.5 });
    expect(ok?.startTime).toEqual([1000, 0]);
    expect(ok?.endTime).toEqual([1005, 0]);
    // cumulative: a second collection repeats the totals
    s.record(0.25, undefined, undefined, undefined, undefined, undefined);
    const again = points(producer, 'gen_ai.client.operation.duration').find(
      (d) => d.attributes['error.type'] === undefined,
    );
    expect(again?.value.count).toBe(2);
    expect(again?.value.min).toBe(0.25);
    const tok = points(producer, 'gen_ai.client.token.usage');
    expect(tok.map((t) => [t.attributes['gen_ai.token.type'], t.value.sum]).sort()).toEqual([
      ['input', 10],
      ['output', 20],
    ]);
    expect(points(producer, 'gen_ai.client.operation.time_to_first_chunk')).toHaveLength(0);
    const collected = await producer.collect();
    expect(collected.resourceMetrics.scopeMetrics[0]?.scope.name).toBe('@aiobs/sdk');
  });

  it('reports only the change since the last collection with delta temporality', () => {
    let now = 0;
    const agg = new GenAiAggregator(100, () => now);
    const producer = new GenAiMetricProducer(agg, AggregationTemporality.DELTA, () => now);
    const s = agg.seriesFor(
      'predict',
      'xgboost',
      'fraud',
      undefined,
      undefined,
      undefined,
      undefined,
    );
    s.record(0.01, undefined, undefined, undefined, undefined, 0.005);
    s.record(0.03, undefined, undefined, undefined, undefined, undefined);
    now = 10_000;
    const first = points(producer, 'gen_ai.client.operation.duration');
    expect(first[0]?.value.count).toBe(2);
    expect(first[0]?.value.buckets.counts.slice(0, 3)).toEqual([1, 0, 1]);
    now = 20_000;
    expect(points(producer, 'gen_ai.client.operation.duration')).toHaveLength(0);
    s.record(0.05, undefined, undefined, undefined, undefined, undefined);
    now = 30_000;
    const third = points(producer, 'gen_ai.client.operation.duration');
    expect(third[0]?.value.count).toBe(1);
    expect(third[0]?.value.sum).toBeCloseTo(0.05, 12);
    expect(third[0]?.startTime).toEqual([20, 0]);
  });

  it('bounds memory: past maxCells, measurements go to one overflow point', () => {
    const agg = new GenAiAggregator(3);
    const producer = new GenAiMetricProducer(agg);
    for (let i = 0; i < 10; i++) {
      agg
        .seriesFor('chat', 'p', `model-${i}`, undefined, undefined, undefined, undefined)
        .record(1, undefined, undefined, undefined, undefined, undefined);
    }
    const dur = points(producer, 'gen_ai.client.operation.duration');
    expect(dur).toHaveLength(4);
    const overflow = dur.find((d) => d.attributes['otel.metric.overflow'] === true);
    expect(overflow?.value.count).toBe(7);
    expect(dur.reduce((n, d) => n + d.value.count, 0)).toBe(10);
  });
});
