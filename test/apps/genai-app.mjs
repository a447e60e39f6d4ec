// An application that reports GenAI inference spans with the official OpenTelemetry Node
// SDK, as an instrumented model client would: typed attributes (ints, doubles, booleans,
// arrays), explicit start and end times (so durations are known to the nanosecond), errors,
// streams with time to first token, cache hits and queue waits, two versions and two arms.
// test/models-api.test.ts runs it against a collector and compares the model API's figures
// with what it printed having sent (one JSON line on stdout).
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as TracesHttp } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

const json = process.env.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json';
const run = process.env.RUN_ID ?? 'run';
const count = Number(process.env.SPANS ?? 120);
const baseMs = Number(process.env.BASE_MS);
const stepMs = Number(process.env.STEP_MS ?? 7000);

const sdk = new NodeSDK({
  // No detectors: the host detector would replace host.name with this machine's name.
  resourceDetectors: [],
  serviceName: process.env.OTEL_SERVICE_NAME,
  resource: resourceFromAttributes({ 'host.name': `gpu-${run}`, 'k8s.node.name': `node-${run}` }),
  traceExporter: json ? new TracesHttp() : new TracesProto(),
  instrumentations: [],
});
sdk.start();
const tracer = trace.getTracer('genai-e2e', '0.0.1');

/** [seconds, nanoseconds] of Unix nanoseconds given as a BigInt. */
const hr = (ns) => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];

const sent = [];
for (let i = 0; i < count; i++) {
  const classic = i % 5 === 4;
  const model = classic ? `hf/bert-${run}` : (process.env.LLM_MODEL ?? `acme/llm-${run}`);
  const version = i >= count / 2 && i % 2 === 1 ? 'v2' : 'v1';
  const variant = i % 3 === 0 ? 'canary' : 'control';
  const startNs = BigInt(baseMs + i * stepMs) * 1_000_000n + BigInt(i * 1013);
  const durationNs = (20 + ((i * 37) % 500)) * 1_000_000 + i * 17;
  const ttftS = !classic && i % 2 === 0 ? Math.round(durationNs * 0.25) / 1e9 : undefined;
  const queueWaitS = i % 5 === 0 ? 0.05 * ((i % 7) + 1) : undefined;
  const cacheHit = i % 4 === 0;
  const error = i % 6 === 0;
  const attributes = {
    'gen_ai.operation.name': classic ? 'predict' : 'chat',
    'gen_ai.provider.name': classic ? 'self' : 'openai',
    'gen_ai.request.model': model,
    'aiobs.model.version': version,
    'aiobs.deployment.variant': variant,
    'gen_ai.usage.input_tokens': 100 + i,
    'gen_ai.usage.output_tokens': 10 + (i % 40),
    'gen_ai.usage.cache_read.input_tokens': cacheHit ? 32 : 0,
    'gen_ai.response.finish_reasons': [error ? 'error' : 'stop'],
    'aiobs.cache.hit': cacheHit,
    'aiobs.prediction.id': `${run}-${i}`,
  };
  if (ttftS !== undefined) attributes['gen_ai.response.time_to_first_chunk'] = ttftS;
  if (queueWaitS !== undefined) attributes['aiobs.queue.wait'] = queueWaitS;
  if (error) attributes['error.type'] = 'rate_limit';
  const span = tracer.startSpan(`${attributes['gen_ai.operation.name']} ${model}`, {
    kind: SpanKind.CLIENT,
    startTime: hr(startNs),
    attributes,
  });
  if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  span.end(hr(startNs + BigInt(durationNs)));
  const ctx = span.spanContext();
  sent.push({
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    model,
    version,
    variant,
    startNs: String(startNs),
    durationNs,
    ttftS,
    queueWaitS,
    cacheHit,
    error,
    inputTokens: 100 + i,
    outputTokens: 10 + (i % 40),
    cacheReadTokens: cacheHit ? 32 : 0,
  });
}
// A span that is not an inference: it must not be counted.
tracer.startSpan('GET /health', { startTime: hr(BigInt(baseMs) * 1_000_000n) }).end();
await sdk.shutdown();
process.stdout.write(`${JSON.stringify(sent)}\n`);
