import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { histogramPoints, initInMemory, type MemoryPipeline } from './in-memory.test-util.js';
import { observeInference } from './instrument.js';
import { withInferenceInfo } from './scope.js';
import { GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_BUCKETS } from './semconv.js';
import type { InferenceHandle } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let p: MemoryPipeline;

beforeEach(() => {
  p = initInMemory({ featureSampling: { rate: 1, maxPerSecond: Number.POSITIVE_INFINITY } });
});
afterEach(async () => {
  await p.shutdown();
});

describe('observeInference: spans', () => {
  it('wraps an async call in a GenAI CLIENT span and returns its value', async () => {
    let id = '';
    const out = await observeInference(
      {
        model: 'gpt-4o-mini',
        provider: 'openai',
        version: 'v2',
        variant: 'treatment',
        cacheHit: false,
        queueWait: 0.25,
        attributes: { 'app.tenant': 'acme' },
      },
      async (inf) => {
        id = inf.predictionId;
        return 'answer';
      },
    );
    expect(out).toBe('answer');
    const [span] = await p.spans();
    expect(span?.name).toBe('chat gpt-4o-mini');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'aiobs.model.version': 'v2',
      'aiobs.deployment.variant': 'treatment',
      'aiobs.cache.hit': false,
      'aiobs.queue.wait': 0.25,
      'aiobs.prediction.id': id,
      'app.tenant': 'acme',
    });
    expect(id).toMatch(UUID);
  });

  it('returns a synchronous value synchronously', async () => {
    const out = observeInference(
      { model: 'm', operation: 'predict', provider: 'sklearn' },
      () => 42,
    );
    expect(out).toBe(42);
    const [span] = await p.spans();
    expect(span?.name).toBe('predict m');
    expect(span?.ended).toBe(true);
  });

  it('records the handle setters on the span', async () => {
    await observeInference({ model: 'm', provider: 'openai' }, async (inf) => {
      inf.setUsage({ inputTokens: 12, outputTokens: 345 });
      inf.setResponseModel('m-2024-08-06');
      inf.setFinishReasons(['stop', 'length']);
      inf.setPrediction({ value: 3.5, label: 'fraud', score: 0.91 });
    });
    const [span] = await p.spans();
    expect(span?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 345,
      'gen_ai.response.model': 'm-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'aiobs.prediction.value': 3.5,
      'aiobs.prediction.label': 'fraud',
      'aiobs.prediction.score': 0.91,
    });
  });

  it('makes the inference span the active span inside fn, across awaits', async () => {
    let active: string | undefined;
    let childParent: string | undefined;
    let inferenceSpanId: string | undefined;
    await observeInference({ model: 'm', provider: 'p' }, async (inf) => {
      inferenceSpanId = inf.span.spanContext().spanId;
      await new Promise((r) => setImmediate(r));
      active = trace.getActiveSpan()?.spanContext().spanId;
      const child = trace.getTracer('t').startSpan('child');
      child.end();
      childParent = (child as unknown as { parentSpanContext?: { spanId: string } })
        .parentSpanContext?.spanId;
    });
    expect(active).toBe(inferenceSpanId);
    expect(childParent).toBe(inferenceSpanId);
  });

  it('gives every inference its own prediction id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++)
      observeInference({ model: 'm', provider: 'p' }, (inf) => ids.add(inf.predictionId));
    expect(ids.size).toBe(50);
  });
});

describe('observeInference: errors', () => {
  it('rethrows the same error object from a synchronous fn and records it', async () => {
    const err = new TypeError('bad input');
    let caught: unknown;
    try {
      observeInference({ model: 'm', provider: 'p' }, () => {
        throw err;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(err);
    const [span] = await p.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad input' });
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(span?.events.map((e) => e.name)).toContain('exception');
  });

  it('rejects with the same error object from an async fn', async () => {
    class RateLimitError extends Error {}
    const err = new RateLimitError('429');
    await expect(
      observeInference({ model: 'm', provider: 'p' }, async () => {
        throw err;
      }),
    ).rejects.toBe(err);
    const [span] = await p.spans();
    expect(span?.attributes['error.type']).toBe('RateLimitError');
    const pts = histogramPoints(await p.metrics(), 'gen_ai.client.operation.duration', {
      'error.type': 'RateLimitError',
    });
    expect(pts).toHaveLength(1);
  });

  it('passes non-Error throwables through untouched', async () => {
    const thrown = { code: 42 };
    await expect(
      observeInference({ model: 'm', provider: 'p' }, () => Promise.reject(thrown)),
    ).rejects.toBe(thrown);
    const [span] = await p.spans();
    expect(span?.attributes['error.type']).toBe('_OTHER');
  });

  it('still runs fn when the SDK cannot make sense of its input', async () => {
    const hostile = {
      get model(): string {
        throw new Error('getter trap');
      },
      provider: 'p',
    };
    let ran = false;
    const out = observeInference(hostile, (inf) => {
      ran = true;
      inf.setUsage({ inputTokens: 1 });
      return inf.predictionId;
    });
    expect(ran).toBe(true);
    expect(typeof out).toBe('string');
    expect(observeInference(null as any, () => 'still works')).toBe('still works');
  });

  it('never throws from the handle methods, whatever they are given', async () => {
    await observeInference({ model: 'm', provider: 'p' }, (inf: InferenceHandle) => {
      const junk: any = null;
      inf.setUsage(junk);
      inf.setUsage({ inputTokens: Number.NaN, outputTokens: -3 });
      inf.setPrediction(junk);
      inf.setPrediction({ value: Number.POSITIVE_INFINITY, score: Number.NaN });
      inf.setFinishReasons(junk);
      inf.setResponseModel(junk);
      inf.markFirstToken();
      inf.markFirstToken();
    });
    const [span] = await p.spans();
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span?.attributes['aiobs.prediction.score']).toBeUndefined();
  });
});

describe('observeInference: streams', () => {
  async function* tokens(n: number, failAt = -1) {
    for (let i = 0; i < n; i++) {
      await new Promise((r) => setImmediate(r));
      if (i === failAt) throw new RangeError('stream broke');
      yield `t${i}`;
    }
  }

  it('instruments a returned async iterator: first chunk time, span ends with the stream', async () => {
    const stream = observeInference({ model: 'llm', provider: 'vllm' }, () => tokens(3));
    expect(await p.spans()).toHaveLength(0); // still open
    const got: string[] = [];
    for await (const t of stream) got.push(t);
    expect(got).toEqual(['t0', 't1', 't2']);
    const [span] = await p.spans();
    const ttfc = span?.attributes['gen_ai.response.time_to_first_chunk'];
    expect(typeof ttfc).toBe('number');
    expect(ttfc as number).toBeGreaterThan(0);
    const pts = histogramPoints(await p.metrics(), 'gen_ai.client.operation.time_to_first_chunk');
    expect(pts).toHaveLength(1);
    expect(pts[0]?.value.count).toBe(1);
  });

  it('times the first chunk and the duration from the span start on one clock', async () => {
    // The start is the span's own clock reading, so a model that waits before its first chunk
    // shows that wait in both figures, and the first chunk never comes after the end.
    async function* slow() {
      await new Promise((resolve) => setTimeout(resolve, 30));
      yield 'a';
      yield 'b';
    }
    const stream = observeInference({ model: 'llm', provider: 'vllm' }, () => slow());
    for await (const _ of stream) {
      // drain
    }
    const [span] = await p.spans();
    const ttfc = span?.attributes['gen_ai.response.time_to_first_chunk'] as number;
    const duration = (span?.duration[0] ?? 0) + (span?.duration[1] ?? 0) / 1e9;
    expect(ttfc).toBeGreaterThanOrEqual(0.025);
    expect(ttfc).toBeLessThanOrEqual(duration);
    const [pt] = histogramPoints(await p.metrics(), 'gen_ai.client.operation.time_to_first_chunk');
    expect(pt?.value.sum).toBeCloseTo(ttfc, 6);
  });

  it('follows a stream that an async fn resolves to, keeping the object', async () => {
    const source = tokens(2);
    const stream = await observeInference({ model: 'llm', provider: 'vllm' }, async () => source);
    expect(stream).toBe(source);
    for await (const _ of stream) {
      // drain
    }
    expect(await p.spans()).toHaveLength(1);
  });

  it('ends the span when the consumer breaks out early', async () => {
    const stream = observeInference({ model: 'llm', provider: 'vllm' }, () => tokens(10));
    for await (const _ of stream) break;
    const [span] = await p.spans();
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records an error thrown mid-stream and rethrows the same object', async () => {
    const stream = observeInference({ model: 'llm', provider: 'vllm' }, () => tokens(5, 2));
    let caught: unknown;
    try {
      for await (const _ of stream) {
        // drain
      }
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RangeError);
    const [span] = await p.spans();
    expect(span?.attributes['error.type']).toBe('RangeError');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('observeInference: metrics', () => {
  it('records the GenAI histograms with the conventions buckets, per model/version/variant', async () => {
    for (const variant of ['a', 'a', 'b']) {
      await observeInference(
        { model: 'm', provider: 'openai', version: 'v1', variant },
        async (inf) => {
          inf.setUsage({ inputTokens: 100, outputTokens: 20 });
        },
      );
    }
    const metrics = await p.metrics();
    const dur = metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
    expect(dur?.descriptor.unit).toBe('s');
    const a = histogramPoints(metrics, 'gen_ai.client.operation.duration', {
      'aiobs.deployment.variant': 'a',
    });
    expect(a).toHaveLength(1);
    expect(a[0]?.value.count).toBe(2);
    expect(a[0]?.value.buckets.boundaries).toEqual([...GEN_AI_DURATION_BUCKETS]);
    expect(a[0]?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'm',
      'aiobs.model.version': 'v1',
      'aiobs.deployment.variant': 'a',
    });
    const tokens = histogramPoints(metrics, 'gen_ai.client.token.usage', {
      'aiobs.deployment.variant': 'a',
    });
    const input = tokens.find((t) => t.attributes['gen_ai.token.type'] === 'input');
    const output = tokens.find((t) => t.attributes['gen_ai.token.type'] === 'output');
    expect(input?.value.sum).toBe(200);
    expect(output?.value.sum).toBe(40);
    expect(input?.value.buckets.boundaries).toEqual([...GEN_AI_TOKEN_BUCKETS]);
    // 100 tokens fall in (64, 256]: bucket 4 (buckets: ≤1, (1,4], (4,16], (16,64], (64,256], …)
    expect(input?.value.buckets.counts[4]).toBe(2);
    const unit = metrics.find((m) => m.descriptor.name === 'gen_ai.client.token.usage')?.descriptor
      .unit;
    expect(unit).toBe('{token}');
  });

  it('keeps the response model in the metric attributes when it is set', async () => {
    await observeInference({ model: 'gpt-4o', provider: 'openai' }, (inf) =>
      inf.setResponseModel('gpt-4o-2024-08-06'),
    );
    const pts = histogramPoints(await p.metrics(), 'gen_ai.client.operation.duration', {
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
    });
    expect(pts).toHaveLength(1);
  });
});

describe('observeInference: features', () => {
  it('records sampled features as aiobs.feature.<name>', async () => {
    await observeInference(
      {
        model: 'fraud',
        operation: 'predict',
        provider: 'xgboost',
        features: { amount: 12.5, country: 'DE', bad: Number.NaN },
      },
      () => 1,
    );
    const [span] = await p.spans();
    expect(span?.attributes['aiobs.feature.amount']).toBe(12.5);
    expect(span?.attributes['aiobs.feature.country']).toBe('DE');
    expect(span?.attributes).not.toHaveProperty('aiobs.feature.bad');
  });
});

describe('observeInference: sampling budget', () => {
  it('stops recording features once the per-second budget is spent', async () => {
    await p.shutdown();
    p = initInMemory({ featureSampling: { rate: 1, maxPerSecond: 2 } });
    for (let i = 0; i < 5; i++)
      observeInference({ model: 'm', provider: 'p', features: { x: i } }, () => i);
    const spans = await p.spans();
    const withFeatures = spans.filter((s) => 'aiobs.feature.x' in s.attributes);
    // all five ran within one second of each other (a second boundary may split them once)
    expect(withFeatures.length).toBeGreaterThanOrEqual(2);
    expect(withFeatures.length).toBeLessThanOrEqual(4);
    expect(spans).toHaveLength(5);
  });
});

describe('withInferenceInfo', () => {
  it('applies scoped info to inferences started inside it, the call winning', async () => {
    await withInferenceInfo(
      {
        variant: 'b',
        version: 'v9',
        queueWait: 0.5,
        predictionId: 'req-42',
        features: { a: 1 },
        attributes: { x: 'scoped' },
      },
      () =>
        observeInference(
          {
            model: 'm',
            provider: 'p',
            version: 'v1',
            features: { b: 2 },
            attributes: { y: 'own' },
          },
          (inf) => {
            expect(inf.predictionId).toBe('req-42');
            // a nested inference does not inherit the scope
            observeInference({ model: 'inner', provider: 'p' }, () => 0);
          },
        ),
    );
    observeInference({ model: 'outside', provider: 'p' }, () => 0);
    const spans = await p.spans();
    const outer = spans.find((s) => s.name === 'chat m');
    expect(outer?.attributes).toMatchObject({
      'aiobs.deployment.variant': 'b',
      'aiobs.model.version': 'v1',
      'aiobs.queue.wait': 0.5,
      'aiobs.prediction.id': 'req-42',
      'aiobs.feature.a': 1,
      'aiobs.feature.b': 2,
      x: 'scoped',
      y: 'own',
    });
    for (const name of ['chat inner', 'chat outside']) {
      const s = spans.find((x) => x.name === name);
      expect(s?.attributes['aiobs.deployment.variant']).toBeUndefined();
      expect(s?.attributes['aiobs.prediction.id']).not.toBe('req-42');
    }
  });
});
