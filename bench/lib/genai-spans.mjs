// Realistic GenAI inference spans, encoded once with the official OTLP protobuf
// serializer (the one the OTel JS exporters use), for ingest benchmarks.
import { randomBytes } from 'node:crypto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';

const MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'claude-sonnet-4',
  'llama-3.1-70b',
  'text-embedding-3-small',
];
const SERVICES = ['chat-api', 'rag-worker', 'embedder', 'ranker'];
const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'pt', 'it'];
const TIERS = ['free', 'pro', 'enterprise'];

/**
 * Every how many inference spans carry the feature mix. The SDK samples features at most
 * 100 times a second per process (sdk/src/config.ts), so at this benchmark's rates (tens of
 * thousands of inference spans per second from a few dozen processes) about one span in 10
 * or fewer has them; `featureEvery = 1` gives the upper bound.
 */
export const FEATURE_EVERY = 10;

/**
 * The feature mix of issue 8 (item 9): 5 sampled drift inputs, 3 numeric and 2 categorical.
 */
function features(i, seed) {
  return {
    'aiobs.feature.prompt_chars': 200 + ((i * 53) % 8000),
    'aiobs.feature.temperature': 0.2 + (i % 9) / 10,
    'aiobs.feature.retrieved_docs': i % 12,
    'aiobs.feature.language': LANGUAGES[(i * 7 + seed) % LANGUAGES.length],
    'aiobs.feature.user_tier': TIERS[i % TIERS.length],
  };
}

function hrTime(ms) {
  return [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
}

/**
 * One ExportTraceServiceRequest of `n` spans: a root SERVER span per trace with CLIENT
 * model calls under it, GenAI semantic-convention attributes and aiobs extensions; span i
 * starts at `baseMs + i * stepMs`.
 */
export function encodeRequest(
  n,
  baseMs = Date.now(),
  seed = 0,
  featureEvery = FEATURE_EVERY,
  stepMs = 0.37,
) {
  let inference = seed;
  const service = SERVICES[seed % SERVICES.length];
  const resource = resourceFromAttributes({
    'service.name': service,
    'service.version': '2.3.1',
    'host.name': `gpu-node-${seed % 16}`,
    'deployment.environment.name': 'production',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '2.12.0',
  });
  const scope = { name: '@aiobs/sdk', version: '0.1.0' };
  const spans = [];
  let traceId = '';
  let rootId = '';
  for (let i = 0; i < n; i++) {
    const isRoot = i % 4 === 0;
    if (isRoot) {
      traceId = randomBytes(16).toString('hex');
      rootId = randomBytes(8).toString('hex');
    }
    const spanId = isRoot ? rootId : randomBytes(8).toString('hex');
    // spanContext() is called at serialization: it must not see a later trace's id.
    const spanTraceId = traceId;
    const start = baseMs + i * stepMs;
    const durMs = isRoot ? 900 + (i % 400) : 40 + ((i * 7919) % 800);
    const model = MODELS[(i + seed) % MODELS.length];
    const attributes = isRoot
      ? {
          'http.request.method': 'POST',
          'http.route': '/v1/chat',
          'http.response.status_code': 200,
          'url.scheme': 'https',
        }
      : {
          'gen_ai.operation.name': model.startsWith('text-') ? 'embeddings' : 'chat',
          'gen_ai.provider.name': model.startsWith('claude') ? 'anthropic' : 'openai',
          'gen_ai.request.model': model,
          'gen_ai.response.model': `${model}-2025-01-01`,
          'gen_ai.request.temperature': 0.7,
          'gen_ai.request.max_tokens': 1024,
          'gen_ai.usage.input_tokens': 200 + ((i * 31) % 3000),
          'gen_ai.usage.output_tokens': 20 + ((i * 17) % 700),
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.response.id': `chatcmpl-${randomBytes(6).toString('hex')}`,
          'gen_ai.response.time_to_first_chunk': 0.08 + (i % 50) / 1000,
          'aiobs.model.version': (i & 1) === 0 ? 'v7' : 'v8',
          'aiobs.deployment.variant': (i & 2) === 0 ? 'control' : 'candidate',
          'aiobs.prediction.id': randomBytes(8).toString('hex'),
          'aiobs.cache.hit': i % 9 === 0,
          'aiobs.queue.wait': (i % 13) / 1000,
          ...(inference++ % featureEvery === 0 ? features(i, seed) : {}),
        };
    const error = !isRoot && i % 97 === 0;
    spans.push({
      name: isRoot ? 'POST /v1/chat' : `chat ${model}`,
      kind: isRoot ? 2 : 3,
      spanContext: () => ({ traceId: spanTraceId, spanId, traceFlags: 1 }),
      parentSpanContext: isRoot ? undefined : { traceId, spanId: rootId, traceFlags: 1 },
      startTime: hrTime(start),
      endTime: hrTime(start + durMs),
      duration: hrTime(durMs),
      status: error ? { code: 2, message: '429 rate limited by provider' } : { code: 0 },
      attributes,
      links: [],
      events: error
        ? [
            {
              name: 'exception',
              time: hrTime(start + durMs),
              attributes: {
                'exception.type': 'RateLimitError',
                'exception.message': 'Rate limit reached',
              },
            },
          ]
        : [],
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      ended: true,
    });
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
}

/**
 * `count` pre-encoded requests of `spansPerRequest` spans each (0: 100 to 1,000, mixed),
 * the feature mix on every `featureEvery`-th inference span; returns bodies and span counts.
 */
export function encodeRequests(
  count,
  baseMs = Date.now() - 60_000,
  spansPerRequest = 0,
  featureEvery = FEATURE_EVERY,
) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = spansPerRequest > 0 ? spansPerRequest : 100 + ((i * 389) % 901);
    out.push({ body: encodeRequest(n, baseMs + i * 10, i, featureEvery), spans: n });
  }
  return out;
}
