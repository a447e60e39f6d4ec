import { rng } from '../../testing/stats-reference.js';

/**
 * Known inference spans for the model tests: what was sent (to compute expected figures
 * exactly) and the span rows that carry it.
 */

/** One seeded inference, with the values the collector must derive from it. */
export interface SeedInference {
  project: string;
  timeMs: number;
  traceId: string;
  spanId: string;
  service: string;
  model: string;
  operation: string;
  provider: string;
  version: string;
  variant: string;
  durationNs: number;
  error: boolean;
  /** Status Error (else the error is carried by error.type alone). */
  statusError: boolean;
  errorType: string;
  ttftS?: number;
  queueWaitS?: number;
  cacheHit?: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  finishReason: string;
  host: string;
}

/** Deterministic PRNG (mulberry32) so that failures reproduce. */
export const prng = rng;

function hex(n: number, len: number): string {
  return n.toString(16).padStart(len, '0');
}

/**
 * `count` inferences from `startMs` spread over `spanMs`, ids from `firstId`. Models,
 * versions, variants, services, errors, streams, cache hits and queue waits follow the
 * index so that every group has members; durations are log-normal (ms to tens of s).
 */
export function makeInferences(opts: {
  project: string;
  firstId: number;
  count: number;
  startMs: number;
  spanMs: number;
  /** v2 only runs from this time on (a rollout). */
  v2FromMs: number;
  seed: number;
  models?: [string, string];
}): SeedInference[] {
  const rand = prng(opts.seed);
  const [llm, classic] = opts.models ?? ['acme/gpt-x:2025', 'local/resnet-50'];
  const out: SeedInference[] = [];
  for (let k = 0; k < opts.count; k++) {
    const i = opts.firstId + k;
    const timeMs = opts.startMs + Math.floor((k * opts.spanMs) / opts.count);
    const isClassic = i % 10 === 9;
    const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const durationMs = Math.exp(5 + 1.6 * normal);
    const durationNs = Math.max(1000, Math.round(durationMs * 1e6));
    const statusError = i % 7 === 0;
    const typedError = i % 11 === 0;
    out.push({
      project: opts.project,
      timeMs,
      traceId: hex(i + 1, 32),
      spanId: hex(i + 1, 16),
      service: i % 4 < 2 ? 'svc-a' : 'svc-b',
      model: isClassic ? classic : llm,
      operation: isClassic ? 'predict' : i % 13 === 0 ? 'embeddings' : 'chat',
      provider: isClassic ? 'self' : 'openai',
      version: timeMs >= opts.v2FromMs && i % 2 === 1 ? 'v2' : 'v1',
      variant: i % 3 === 0 ? 'canary' : 'control',
      durationNs,
      error: statusError || typedError,
      statusError,
      errorType: typedError ? 'timeout' : statusError ? '_OTHER' : '',
      ttftS: i % 3 === 1 ? Math.round(durationNs * 0.3) / 1e9 : undefined,
      queueWaitS: i % 5 === 0 ? Math.round(rand() * 2e6) / 1e6 : undefined,
      cacheHit: i % 4 === 0 ? true : i % 4 === 1 ? false : undefined,
      inputTokens: 100 + (i % 50),
      outputTokens: 20 + (i % 30),
      cacheReadTokens: i % 4 === 0 ? 64 : undefined,
      finishReason: i % 6 === 0 ? 'length' : 'stop',
      host: i % 2 ? 'gpu-host-1' : 'gpu-host-2',
    });
  }
  return out;
}

/**
 * `otel_traces` rows of `inferences` (plus `plainSpans` non-GenAI spans), with attribute
 * values flattened to strings as the OpenTelemetry Collector's ClickHouse exporter writes
 * them (numbers as decimal text, booleans `true`/`false`, arrays as JSON).
 */
export function toTraceRows(inferences: readonly SeedInference[], plainSpans = 0) {
  const rows = inferences.map((s) => {
    const attributes: Record<string, string> = {
      'gen_ai.operation.name': s.operation,
      'gen_ai.provider.name': s.provider,
      'gen_ai.request.model': s.model,
      'gen_ai.response.model': `${s.model}-resp`,
      'aiobs.model.version': s.version,
      'aiobs.deployment.variant': s.variant,
      'gen_ai.usage.input_tokens': String(s.inputTokens),
      'gen_ai.usage.output_tokens': String(s.outputTokens),
      'gen_ai.response.finish_reasons': JSON.stringify([s.finishReason]),
      'aiobs.prediction.id': `p-${s.spanId}`,
    };
    if (s.errorType) attributes['error.type'] = s.errorType;
    if (s.ttftS !== undefined) attributes['gen_ai.response.time_to_first_chunk'] = String(s.ttftS);
    if (s.queueWaitS !== undefined) attributes['aiobs.queue.wait'] = String(s.queueWaitS);
    if (s.cacheHit !== undefined) attributes['aiobs.cache.hit'] = String(s.cacheHit);
    if (s.cacheReadTokens !== undefined)
      attributes['gen_ai.usage.cache_read.input_tokens'] = String(s.cacheReadTokens);
    return row(s, attributes, s.statusError ? 'Error' : 'Unset');
  });
  for (let p = 0; p < plainSpans; p++) {
    const base = inferences[p % inferences.length]!;
    rows.push(
      row(
        { ...base, traceId: hex(900_000 + p, 32), spanId: hex(900_000 + p, 16) },
        { 'http.route': '/x' },
        'Error',
      ),
    );
  }
  return rows;
}

/** ISO 8601 with nanoseconds, for a DateTime64(9) column (best-effort input format). */
function isoNanos(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000000Z');
}

function row(s: SeedInference, attributes: Record<string, string>, status: string) {
  return {
    Timestamp: isoNanos(s.timeMs),
    TraceId: s.traceId,
    SpanId: s.spanId,
    ParentSpanId: '',
    TraceState: '',
    SpanName: `inference ${s.operation}`,
    SpanKind: 'Client',
    ServiceName: s.service,
    ResourceAttributes: {
      'service.name': s.service,
      'host.name': s.host,
      'k8s.node.name': `node-${s.host}`,
    },
    ScopeName: 'seed',
    ScopeVersion: '',
    SpanAttributes: attributes,
    Duration: s.durationNs,
    StatusCode: status,
    StatusMessage: '',
    ProjectId: s.project,
  };
}
