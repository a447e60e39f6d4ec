import { randomUUID } from 'node:crypto';
import { semconv } from '@aiobs/sdk';
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import {
  FRAUD_THRESHOLD,
  type FraudModelVersion,
  sampleTransaction,
  scoreFraud,
  trueFraudProbability,
} from './fraud-model.js';
import { sampleChat, sampleQuery } from './prompts.js';
import { chance, exponential, hashUnit, logNormal, normal, uniform, weighted } from './rng.js';
import { CHAT_MODEL, EMBED_MODEL, FRAUD_MODEL } from './service.js';

const S = semconv;

/** Where a simulated past request records its telemetry. */
export interface HistorySinks {
  webTracer: Tracer;
  serviceTracer: Tracer;
  logger: Logger;
  /** Records one inference into the back-filled GenAI histograms. */
  recordInference(
    series: Attributes,
    durationS: number,
    ttftS?: number,
    inputTokens?: number,
    outputTokens?: number,
  ): void;
}

const CHAT = {
  v1: { ttftMs: 380, msPerToken: 14, tokens: 70 },
  v2: { ttftMs: 230, msPerToken: 11, tokens: 95 },
} as const;
const MODEL_SERVER = { [S.ATTR_SERVER_ADDRESS]: '127.0.0.1', [S.ATTR_SERVER_PORT]: 8000 };

/**
 * Simulates one request of the live demo at a past time `t` (ms since epoch): the web CLIENT
 * span, the service's SERVER span, the inference spans with the same attributes the SDK writes
 * live, the histogram measurements, and the feedback that followed. Returns when it ended.
 */
export function simulateRequest(t: number, sinks: HistorySinks): number {
  const kind = weighted({ predict: 45, chat: 35, embed: 20 });
  const web = sinks.webTracer.startSpan(
    `POST /v1/${kind}`,
    { kind: SpanKind.CLIENT, startTime: t },
    ROOT_CONTEXT,
  );
  const server = sinks.serviceTracer.startSpan(
    `POST /v1/${kind}`,
    {
      kind: SpanKind.SERVER,
      startTime: t + 0.4,
      attributes: { 'http.request.method': 'POST', 'http.route': `/v1/${kind}` },
    },
    trace.setSpan(ROOT_CONTEXT, web),
  );
  const ctx = trace.setSpan(ROOT_CONTEXT, server);
  let end = t + 1;
  let status = 200;
  if (kind === 'predict') [end, status] = predict(t + 1, ctx, sinks);
  else if (kind === 'chat') [end, status] = chat(t + 1, ctx, sinks);
  else end = embed(t + 1, ctx, sinks, sampleQuery());
  server.setAttribute('http.response.status_code', status);
  if (status >= 500) server.setStatus({ code: SpanStatusCode.ERROR });
  server.end(end + 0.3);
  web.setAttribute('http.response.status_code', status);
  web.end(end + 0.8);
  return end + 0.8;
}

function inference(
  sinks: HistorySinks,
  ctx: Context,
  start: number,
  series: Attributes,
  extra: Attributes,
): { span: Span; id: string } {
  const id = randomUUID();
  const name = `${series[S.ATTR_GEN_AI_OPERATION_NAME]} ${series[S.ATTR_GEN_AI_REQUEST_MODEL]}`;
  const span = sinks.serviceTracer.startSpan(
    name,
    {
      kind: SpanKind.CLIENT,
      startTime: start,
      attributes: { ...series, ...extra, [S.ATTR_AIOBS_PREDICTION_ID]: id },
    },
    ctx,
  );
  return { span, id };
}

function fail(span: Span, type: string, message: string): void {
  span.setAttribute(S.ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function predict(t: number, ctx: Context, sinks: HistorySinks): [number, number] {
  const tx = sampleTransaction(false);
  const version: FraudModelVersion = chance(0.8) ? 'v3' : 'v4';
  const series: Attributes = {
    [S.ATTR_GEN_AI_OPERATION_NAME]: 'predict',
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 'onnxruntime',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: FRAUD_MODEL,
    [S.ATTR_AIOBS_MODEL_VERSION]: version,
    [S.ATTR_AIOBS_DEPLOYMENT_VARIANT]: version === 'v3' ? 'control' : 'canary',
  };
  const queueWait = chance(0.2) ? exponential(0.004) : 0;
  const features: Attributes = {};
  for (const [k, v] of Object.entries(tx)) features[`${S.ATTR_AIOBS_FEATURE_PREFIX}${k}`] = v;
  const start = t + queueWait * 1000;
  const { span, id } = inference(sinks, ctx, start, series, {
    ...features,
    [S.ATTR_AIOBS_QUEUE_WAIT]: queueWait,
  });
  const dur = logNormal(18, 0.6);
  if (chance(0.006)) {
    fail(span, 'FeatureValidationError', 'feature "amount" failed validation');
    span.end(start + dur);
    sinks.recordInference({ ...series, [S.ATTR_ERROR_TYPE]: 'FeatureValidationError' }, dur / 1000);
    return [start + dur, 422];
  }
  const score = Math.round(scoreFraud(version, tx) * 10_000) / 10_000;
  const label = score >= FRAUD_THRESHOLD ? 'fraud' : 'legit';
  span.setAttributes({
    [S.ATTR_AIOBS_PREDICTION_SCORE]: score,
    [S.ATTR_AIOBS_PREDICTION_LABEL]: label,
  });
  span.end(start + dur);
  sinks.recordInference(series, dur / 1000);
  if (chance(0.7)) {
    const truth = chance(trueFraudProbability(tx, false)) ? 'fraud' : 'legit';
    feedback(sinks, start + dur + uniform(2000, 10_000), {
      [S.ATTR_AIOBS_PREDICTION_ID]: id,
      [S.ATTR_AIOBS_FEEDBACK_LABEL]: truth,
      [S.ATTR_AIOBS_FEEDBACK_CORRECT]: truth === label,
    });
  }
  return [start + dur, 200];
}

function embed(t: number, ctx: Context, sinks: HistorySinks, text: string): number {
  const series: Attributes = {
    [S.ATTR_GEN_AI_OPERATION_NAME]: 'embeddings',
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: EMBED_MODEL,
    [S.ATTR_AIOBS_MODEL_VERSION]: '2024-01',
  };
  if (chance(0.38)) {
    const { span } = inference(sinks, ctx, t, series, { [S.ATTR_AIOBS_CACHE_HIT]: true });
    span.end(t + 0.15);
    sinks.recordInference(series, 0.00015);
    return t + 0.15;
  }
  const { span } = inference(
    sinks,
    ctx,
    t,
    { ...series, ...MODEL_SERVER },
    { [S.ATTR_AIOBS_CACHE_HIT]: false },
  );
  const dur = logNormal(21, 0.4);
  const tokens = Math.max(1, Math.round(text.length / 4));
  span.setAttributes({
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: tokens,
    [S.ATTR_GEN_AI_RESPONSE_MODEL]: EMBED_MODEL,
  });
  span.end(t + dur);
  sinks.recordInference(
    { ...series, ...MODEL_SERVER, [S.ATTR_GEN_AI_RESPONSE_MODEL]: EMBED_MODEL },
    dur / 1000,
    undefined,
    tokens,
  );
  return t + dur;
}

function chat(t: number, ctx: Context, sinks: HistorySinks): [number, number] {
  const req = sampleChat(false);
  const arm = hashUnit(req.user) < 0.5 ? 'control' : 'treatment';
  const version = arm === 'control' ? 'v1' : 'v2';
  const afterEmbed = embed(t, ctx, sinks, req.prompt);
  const base: Attributes = {
    [S.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
    [S.ATTR_GEN_AI_PROVIDER_NAME]: 'vllm',
    [S.ATTR_GEN_AI_REQUEST_MODEL]: CHAT_MODEL,
    [S.ATTR_AIOBS_MODEL_VERSION]: version,
    [S.ATTR_AIOBS_DEPLOYMENT_VARIANT]: arm,
  };
  const features = {
    [`${S.ATTR_AIOBS_FEATURE_PREFIX}prompt_chars`]: req.prompt.length,
    [`${S.ATTR_AIOBS_FEATURE_PREFIX}language`]: req.language,
  };
  if (chance(0.08)) {
    const { span } = inference(sinks, ctx, afterEmbed, base, {
      ...features,
      [S.ATTR_AIOBS_CACHE_HIT]: true,
    });
    span.end(afterEmbed + 0.1);
    sinks.recordInference(base, 0.0001);
    return [afterEmbed + 0.1, 200];
  }
  const series = { ...base, ...MODEL_SERVER };
  const queueWait = chance(0.15) ? exponential(0.3) : 0;
  const start = afterEmbed + queueWait * 1000;
  const stream = chance(0.7);
  const { span, id } = inference(sinks, ctx, start, series, {
    ...features,
    [S.ATTR_AIOBS_CACHE_HIT]: false,
    [S.ATTR_AIOBS_QUEUE_WAIT]: queueWait,
    [S.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 256,
    [S.ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.3,
    ...(stream ? { [S.ATTR_GEN_AI_REQUEST_STREAM]: true } : {}),
  });
  const p = CHAT[version];
  const ttft = logNormal(p.ttftMs, 0.45);
  const failure = chance(0.02)
    ? 'RateLimitError'
    : chance(0.006)
      ? 'InternalServerError'
      : undefined;
  if (failure) {
    const d = failure === 'RateLimitError' ? ttft / 4 : ttft;
    fail(
      span,
      failure,
      failure === 'RateLimitError' ? '429 Rate limit reached for requests' : '500 CUDA error',
    );
    span.end(start + d);
    sinks.recordInference({ ...series, [S.ATTR_ERROR_TYPE]: failure }, d / 1000);
    return [start + d, failure === 'RateLimitError' ? 429 : 502];
  }
  const tokens = Math.max(5, Math.round(normal(p.tokens, p.tokens / 3)));
  const dur = ttft + tokens * p.msPerToken * uniform(0.8, 1.2);
  const inputTokens = Math.round(req.prompt.length / 4) + 120;
  const responseModel = `support-chat-${version}-2025-06`;
  span.setAttributes({
    [S.ATTR_GEN_AI_RESPONSE_MODEL]: responseModel,
    [S.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [tokens > p.tokens * 1.6 ? 'length' : 'stop'],
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: inputTokens,
    [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: tokens,
    ...(stream ? { [S.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: ttft / 1000 } : {}),
  });
  span.end(start + dur);
  sinks.recordInference(
    { ...series, [S.ATTR_GEN_AI_RESPONSE_MODEL]: responseModel },
    dur / 1000,
    stream ? ttft / 1000 : undefined,
    inputTokens,
    tokens,
  );
  if (chance(0.3)) {
    const liked = chance(arm === 'treatment' ? 0.86 : 0.78);
    feedback(sinks, start + dur + uniform(1000, 4000), {
      [S.ATTR_AIOBS_PREDICTION_ID]: id,
      [S.ATTR_AIOBS_FEEDBACK_SCORE]: liked ? 1 : 0,
    });
  }
  return [start + dur, 200];
}

function feedback(sinks: HistorySinks, at: number, attributes: Attributes): void {
  sinks.logger.emit({
    eventName: S.EVENT_AIOBS_FEEDBACK,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    timestamp: at,
    observedTimestamp: at,
    attributes: attributes as Record<string, string | number | boolean>,
  });
}
