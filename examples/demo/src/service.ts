import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  instrumentOpenAI,
  observeInference,
  recordFeedback,
  recordQueueDepth,
  withInferenceInfo,
} from '@aiobs/sdk';
import {
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import OpenAI from 'openai';
import {
  FRAUD_THRESHOLD,
  type FraudModelVersion,
  scoreFraud,
  type Transaction,
} from './fraud-model.js';
import {
  FeatureValidationError,
  HttpError,
  readJson,
  sendAnswer,
  sendJson,
  statusOf,
} from './http-util.js';
import { chance, hashUnit, logNormal } from './rng.js';
import { LruCache, WorkQueue } from './work-queue.js';

export const CHAT_MODEL = 'support-chat';
export const EMBED_MODEL = 'text-embedding-3-small';
export const FRAUD_MODEL = 'fraud-detector';
const SYSTEM_PROMPT =
  'You are the support assistant of Acme Cloud. Answer briefly and cite the docs.';

/** Counters the progress line shows. */
export interface ServiceStats {
  requests: number;
  errors: number;
  cacheLookups: () => number;
  cacheHits: () => number;
  queueDepth: () => number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The example inference service: a support assistant (`POST /v1/chat`, streaming or not, with
 * retrieval embeddings and a response cache), a search embedding endpoint (`POST /v1/embed`), a
 * fraud classifier (`POST /v1/predict`) behind a worker queue, and `POST /v1/feedback` for
 * ground truth. Instrumented the way the README tells users to: `observeInference` for the
 * classic model and cache hits, `instrumentOpenAI` for the OpenAI-compatible model servers,
 * `withInferenceInfo` for A/B arm and queue wait, `recordQueueDepth` and `recordFeedback`.
 */
export async function startInferenceService(
  modelServerUrl: string,
): Promise<{ server: Server; url: string; stats: ServiceStats; close(): void }> {
  const tracer = trace.getTracer('aiobs-demo-service');
  const client = (path: string, options: Parameters<typeof instrumentOpenAI>[1]) =>
    instrumentOpenAI(
      new OpenAI({
        apiKey: 'demo',
        baseURL: `${modelServerUrl}/${path}`,
        maxRetries: 0,
        timeout: 30_000,
      }),
      options,
    );
  // A/B: two deployments of the support model, one client each
  const chatClients = {
    v1: client('v1', { provider: 'vllm', version: 'v1', variant: 'control' }),
    v2: client('v2', { provider: 'vllm', version: 'v2', variant: 'treatment' }),
  };
  const embedClient = client('v1', { version: '2024-01' });
  const chatSlots = new WorkQueue(12, (d) => recordQueueDepth(CHAT_MODEL, d));
  const predictWorkers = new WorkQueue(1, (d) => recordQueueDepth(FRAUD_MODEL, d));
  // Also sample both queues every second, as a service's metrics loop would: the gauge then
  // has a point per interval (mostly small numbers) and not only when the line changes.
  const sampler = setInterval(() => {
    recordQueueDepth(CHAT_MODEL, chatSlots.depth);
    recordQueueDepth(FRAUD_MODEL, predictWorkers.depth);
  }, 1000);
  sampler.unref();
  const embedCache = new LruCache<number[]>(300);
  const responseCache = new LruCache<string>(60);
  const stats: ServiceStats = {
    requests: 0,
    errors: 0,
    cacheLookups: () => embedCache.lookups + responseCache.lookups,
    cacheHits: () => embedCache.hits + responseCache.hits,
    queueDepth: () => chatSlots.depth + predictWorkers.depth,
  };

  async function embed(text: string): Promise<number[]> {
    const hit = embedCache.get(text);
    if (hit) {
      return observeInference(
        {
          model: EMBED_MODEL,
          operation: 'embeddings',
          provider: 'openai',
          version: '2024-01',
          cacheHit: true,
        },
        () => hit,
      );
    }
    const res = await withInferenceInfo({ cacheHit: false }, () =>
      embedClient.embeddings.create({ model: EMBED_MODEL, input: text }),
    );
    const vec = res.data[0]?.embedding ?? [];
    embedCache.set(text, vec);
    return vec;
  }

  async function chat(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const prompt = String(body.prompt ?? '');
    const user = String(body.user ?? 'anonymous');
    const stream = body.stream === true;
    const arm = hashUnit(user) < 0.5 ? 'control' : 'treatment';
    const version = arm === 'control' ? 'v1' : 'v2';
    const predictionId = randomUUID();
    const features = { prompt_chars: prompt.length, language: String(body.language ?? 'en') };
    res.setHeader('x-prediction-id', predictionId);
    res.setHeader('x-aiobs-variant', arm);
    await embed(prompt); // retrieval
    const cached = responseCache.get(`${version}:${prompt}`);
    if (cached !== undefined) {
      const text = observeInference(
        {
          model: CHAT_MODEL,
          provider: 'vllm',
          version,
          variant: arm,
          cacheHit: true,
          predictionId,
          features,
        },
        () => cached,
      );
      return sendAnswer(res, stream, text);
    }
    await chatSlots.run(async (queueWait) => {
      const info = { variant: arm, queueWait, predictionId, cacheHit: false, features };
      const request = {
        model: CHAT_MODEL,
        messages: [
          { role: 'system' as const, content: SYSTEM_PROMPT },
          { role: 'user' as const, content: prompt },
        ],
        max_tokens: 256,
        temperature: 0.3,
      };
      if (!stream) {
        const completion = await withInferenceInfo(info, () =>
          chatClients[version].chat.completions.create(request),
        );
        const text = completion.choices[0]?.message.content ?? '';
        if (chance(0.5)) responseCache.set(`${version}:${prompt}`, text);
        return sendAnswer(res, false, text);
      }
      const chunks = await withInferenceInfo(info, () =>
        chatClients[version].chat.completions.create({
          ...request,
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let text = '';
      for await (const chunk of chunks) {
        const delta = chunk.choices[0]?.delta.content ?? '';
        text += delta;
        if (delta) res.write(`data: ${JSON.stringify({ delta })}\n\n`);
      }
      res.end('data: [DONE]\n\n');
      if (chance(0.5)) responseCache.set(`${version}:${prompt}`, text);
    });
  }

  async function predict(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const tx = body.transaction as Transaction;
    const requestId = String(body.requestId ?? randomUUID());
    const version: FraudModelVersion = hashUnit(requestId) < 0.8 ? 'v3' : 'v4';
    const variant = version === 'v3' ? 'control' : 'canary';
    const out = await predictWorkers.run((queueWait) =>
      observeInference(
        {
          model: FRAUD_MODEL,
          operation: 'predict',
          provider: 'onnxruntime',
          version,
          variant,
          queueWait,
          features: { ...tx },
        },
        async (inf) => {
          await sleep(logNormal(18, 0.6)); // feature lookup + model compute
          if (!(tx.amount > 0) || chance(0.006))
            throw new FeatureValidationError('feature "amount" failed validation');
          const score = Math.round(scoreFraud(version, tx) * 10_000) / 10_000;
          const label = score >= FRAUD_THRESHOLD ? 'fraud' : 'legit';
          inf.setPrediction({ score, label });
          return { predictionId: inf.predictionId, score, label, version, variant };
        },
      ),
    );
    sendJson(res, 200, out);
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = await readJson(req);
    switch (path) {
      case '/v1/chat':
        return chat(body, res);
      case '/v1/predict':
        return predict(body, res);
      case '/v1/embed': {
        const vec = await embed(String(body.text ?? ''));
        return sendJson(res, 200, { dimensions: vec.length });
      }
      case '/v1/feedback': {
        // recordFeedback validates the fields itself and skips what is malformed
        const fb = body as {
          predictionId: string;
          label?: string;
          correct?: boolean;
          score?: number;
        };
        recordFeedback(fb.predictionId, { label: fb.label, correct: fb.correct, score: fb.score });
        res.writeHead(204).end();
        return;
      }
      default:
        throw new HttpError(404, 'not found');
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    stats.requests++;
    void tracer.startActiveSpan(
      `${req.method} ${path}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method ?? 'GET',
          'http.route': path,
          'url.path': path,
        },
      },
      parent,
      async (span: Span) => {
        try {
          await route(req, res, path);
        } catch (err) {
          const status = statusOf(err);
          stats.errors++;
          span.recordException(err as Error);
          span.setAttribute('error.type', (err as Error).constructor.name);
          if (!res.headersSent)
            sendJson(res, status, { error: { message: (err as Error).message } });
          else res.destroy();
        } finally {
          span.setAttribute('http.response.status_code', res.statusCode);
          if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        }
      },
    );
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, stats, close: () => clearInterval(sampler) };
}
