import {
  type AiobsHandle,
  init,
  observeInference,
  recordFeedback,
  recordQueueDepth,
  semconv,
} from '@aiobs/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';

const service = `e2e-sdk-${process.pid}`;

interface SpanOut {
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  serviceName: string;
  statusCode: string;
  attributes: Record<string, string>;
}

describe('@aiobs/sdk → collector', () => {
  let collector: RunningCollector;
  let aiobs: AiobsHandle;
  const predictions: { id: string; label: string }[] = [];
  let streamTraceId = '';
  let failedTraceId = '';
  const since = Date.now() - 60_000;

  beforeAll(async () => {
    collector = await startCollector();
    aiobs = init({ serviceName: service, endpoint: collector.url, apiKey: collector.apiKey });
    expect(aiobs.pipeline).toEqual({ traces: 'aiobs', metrics: 'aiobs', logs: 'aiobs' });

    for (let i = 0; i < 6; i++) {
      const variant = i % 2 ? 'treatment' : 'control';
      const out = await observeInference(
        {
          model: 'fraud-detector',
          operation: 'predict',
          provider: 'onnxruntime',
          version: 'v3',
          variant,
          features: { amount: 10 + i, country: i < 3 ? 'DE' : 'US' },
          queueWait: 0.002,
        },
        async (inf) => {
          const label = i % 3 === 0 ? 'fraud' : 'legit';
          inf.setPrediction({ score: i / 10, label });
          return { id: inf.predictionId, label };
        },
      );
      predictions.push(out);
    }
    async function* tokens() {
      for (const t of ['a', 'b', 'c']) {
        await new Promise((r) => setImmediate(r));
        yield t;
      }
    }
    const stream = observeInference({ model: 'llm-8b', provider: 'vllm', version: 'v2' }, (inf) => {
      streamTraceId = inf.span.spanContext().traceId;
      inf.setUsage({ inputTokens: 120, outputTokens: 3 });
      return tokens();
    });
    for await (const _ of stream) {
      // consume
    }
    await observeInference({ model: 'llm-8b', provider: 'vllm', version: 'v2' }, async (inf) => {
      failedTraceId = inf.span.spanContext().traceId;
      throw new RangeError('context window exceeded');
    }).catch(() => {});
    for (const p of predictions)
      recordFeedback(p.id, { label: 'fraud', correct: p.label === 'fraud' });
    recordQueueDepth('llm-8b', 7);
    await aiobs.forceFlush();
    expect(aiobs.stats().spans).toMatchObject({
      exported: 8,
      droppedQueueFull: 0,
      droppedExportFailed: 0,
    });
    expect(aiobs.stats().logs).toMatchObject({ exported: 6, droppedExportFailed: 0 });
    expect(aiobs.stats().metricPoints.droppedExportFailed).toBe(0);
  });

  afterAll(async () => {
    await aiobs?.shutdown();
    if (collector) expect(await collector.stop()).toBe(0);
  });

  it('stores inference spans with the GenAI and aiobs attributes', async () => {
    const list = await collector.api<{ traces: { traceId: string; rootSpan: { name: string } }[] }>(
      `/api/v1/traces?service=${service}&limit=100&from=${since}`,
    );
    expect(list.traces).toHaveLength(8);
    const { spans } = await collector.api<{ spans: SpanOut[] }>(`/api/v1/traces/${streamTraceId}`);
    expect(spans).toHaveLength(1);
    const s = spans[0] as SpanOut;
    expect(s.name).toBe('chat llm-8b');
    expect(s.kind).toBe('Client');
    expect(s.serviceName).toBe(service);
    expect(s.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'vllm',
      'gen_ai.request.model': 'llm-8b',
      'gen_ai.usage.input_tokens': '120',
      'aiobs.model.version': 'v2',
    });
    expect(Number(s.attributes['gen_ai.response.time_to_first_chunk'])).toBeGreaterThan(0);

    const failed = await collector.api<{ spans: SpanOut[] }>(`/api/v1/traces/${failedTraceId}`);
    expect(failed.spans[0]?.statusCode).toBe('Error');
    expect(failed.spans[0]?.attributes['error.type']).toBe('RangeError');

    const de = await collector.api<{ traces: unknown[] }>(
      `/api/v1/traces?service=${service}&attr.aiobs.feature.country=DE&limit=100&from=${since}`,
    );
    expect(de.traces).toHaveLength(3);
  });

  it('finds a prediction by its id, with its features and output', async () => {
    const p = predictions[0] as { id: string };
    const res = await collector.api<{ rows: Record<string, string>[] }>('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: `SELECT SpanAttributes['aiobs.feature.amount'] AS amount, SpanAttributes['aiobs.prediction.label'] AS label,
                     SpanAttributes['aiobs.queue.wait'] AS wait, SpanAttributes['aiobs.deployment.variant'] AS variant
              FROM otel_traces WHERE SpanAttributes['aiobs.prediction.id'] = {id:String}`,
        params: { id: p.id },
      }),
    });
    expect(res.rows).toEqual([{ amount: '10', label: 'fraud', wait: '0.002', variant: 'control' }]);
  });

  it('stores the GenAI histograms with the conventions bucket boundaries', async () => {
    const list = await collector.api<{ metrics: { name: string; type: string; unit: string }[] }>(
      `/api/v1/metrics?service=${service}&from=${since}`,
    );
    const byName = Object.fromEntries(list.metrics.map((m) => [m.name, m]));
    expect(byName['gen_ai.client.operation.duration']).toMatchObject({
      type: 'histogram',
      unit: 's',
    });
    expect(byName['gen_ai.client.token.usage']).toMatchObject({
      type: 'histogram',
      unit: '{token}',
    });
    expect(byName['gen_ai.client.operation.time_to_first_chunk']).toMatchObject({
      type: 'histogram',
      unit: 's',
    });
    expect(byName['aiobs.inference.queue.depth']).toMatchObject({ type: 'gauge' });
    expect(byName['aiobs.sdk.telemetry.dropped']).toMatchObject({ type: 'sum' });

    const dur = await collector.api<{
      points: {
        count: number | string;
        attributes: Record<string, string>;
        explicitBounds: number[];
        bucketCounts: unknown[];
      }[];
    }>(
      `/api/v1/metrics/points?name=gen_ai.client.operation.duration&service=${service}&from=${since}`,
    );
    const total = dur.points.reduce((n, p) => n + Number(p.count), 0);
    expect(total).toBe(8);
    for (const p of dur.points)
      expect(p.explicitBounds).toEqual([...semconv.GEN_AI_DURATION_BUCKETS]);
    const predict = dur.points.filter((p) => p.attributes['gen_ai.operation.name'] === 'predict');
    expect(predict.map((p) => p.attributes['aiobs.deployment.variant']).sort()).toEqual([
      'control',
      'treatment',
    ]);
    const errors = dur.points.filter((p) => p.attributes['error.type'] === 'RangeError');
    expect(errors).toHaveLength(1);

    const tokens = await collector.api<{
      points: { sum: number; attributes: Record<string, string>; explicitBounds: number[] }[];
    }>(`/api/v1/metrics/points?name=gen_ai.client.token.usage&service=${service}&from=${since}`);
    const input = tokens.points.find((p) => p.attributes['gen_ai.token.type'] === 'input');
    expect(input?.sum).toBe(120);
    expect(input?.explicitBounds).toEqual([...semconv.GEN_AI_TOKEN_BUCKETS]);

    const depth = await collector.api<{
      points: { value: number; attributes: Record<string, string> }[];
    }>(`/api/v1/metrics/points?name=aiobs.inference.queue.depth&service=${service}&from=${since}`);
    expect(depth.points[0]).toMatchObject({
      value: 7,
      attributes: { 'gen_ai.request.model': 'llm-8b' },
    });
  });

  it('stores feedback as aiobs.feedback log events keyed by prediction id', async () => {
    const res = await collector.api<{
      logs: { eventName: string; attributes: Record<string, string> }[];
    }>(`/api/v1/logs?service=${service}&eventName=aiobs.feedback&limit=100&from=${since}`);
    expect(res.logs).toHaveLength(6);
    const byId = Object.fromEntries(res.logs.map((l) => [l.attributes['aiobs.prediction.id'], l]));
    for (const p of predictions) {
      expect(byId[p.id]?.eventName).toBe('aiobs.feedback');
      expect(byId[p.id]?.attributes).toMatchObject({
        'aiobs.feedback.label': 'fraud',
        'aiobs.feedback.correct': String(p.label === 'fraud'),
      });
    }
  });
});
