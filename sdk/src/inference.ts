import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { asException, errorMessageOf, errorTypeOf } from './errors.js';
import { predictionId } from './ids.js';
import type { SeriesRecorder } from './metrics/sink.js';
import { runtime } from './runtime.js';
import {
  ATTR_AIOBS_CACHE_HIT,
  ATTR_AIOBS_DEPLOYMENT_VARIANT,
  ATTR_AIOBS_MODEL_VERSION,
  ATTR_AIOBS_PREDICTION_ID,
  ATTR_AIOBS_PREDICTION_LABEL,
  ATTR_AIOBS_PREDICTION_SCORE,
  ATTR_AIOBS_PREDICTION_VALUE,
  ATTR_AIOBS_QUEUE_WAIT,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ERROR_TYPE_OTHER,
  GEN_AI_OPERATION_CHAT,
} from './semconv.js';
import type { InferenceHandle, InferenceInfo, Prediction, Usage } from './types.js';

/** Hooks for provider instrumentations to read results without owning the span lifecycle. */
export interface InferenceHooks {
  /** Called with a non-stream result (resolved value for promises). */
  onResult?(value: unknown, inf: Inference): void;
  /** Called with each item of a streamed result. */
  onChunk?(chunk: unknown, inf: Inference): void;
  /** Called once when a stream ends, whether it completed, failed or was abandoned. */
  onStreamEnd?(inf: Inference): void;
}

const now = () => performance.now();

// The span name of the previous inference: most calls name the same model, and reusing the
// string spares a concatenation per call (and the flattening of it at export).
let lastOperation = '';
let lastModel = '';
let lastName = '';
function spanName(operation: string, model: string): string {
  if (operation !== lastOperation || model !== lastModel) {
    lastOperation = operation;
    lastModel = model;
    lastName = `${operation} ${model}`;
  }
  return lastName;
}

/**
 * Seconds between start and end of an ended OpenTelemetry SDK span (its `duration`, an HrTime),
 * or undefined for spans that keep no timing (non-recording, API no-op, other SDKs).
 */
function spanSeconds(span: Span): number | undefined {
  const d = (span as { duration?: unknown }).duration;
  if (!Array.isArray(d) || d.length !== 2) return undefined;
  const s: unknown = d[0];
  const ns: unknown = d[1];
  if (typeof s !== 'number' || typeof ns !== 'number' || s < 0 || ns < 0) return undefined;
  return s + ns / 1e9;
}

/**
 * When `span` started on the `performance.now()` clock: an OpenTelemetry SDK span read that
 * clock when it was created (`_performanceStartTime`, the base of its own duration), so reusing
 * it spares a clock read per call; other spans (non-recording, other SDKs) get a reading now.
 */
function startOf(span: Span): number {
  const t = (span as { _performanceStartTime?: unknown })._performanceStartTime;
  return typeof t === 'number' && Number.isFinite(t) ? t : now();
}

/**
 * One observed model call: its span, its handle methods and the measurements that become the
 * GenAI histograms when it ends. Every method catches its own failures: telemetry never throws
 * into the caller.
 */
export class Inference implements InferenceHandle {
  readonly predictionId: string;
  readonly span: Span;
  readonly context: Context;
  private readonly startedAt: number;
  private readonly series: SeriesRecorder;
  private inputTokens: number | undefined;
  private outputTokens: number | undefined;
  private responseModel: string | undefined;
  private ttft: number | undefined;
  private ended = false;

  constructor(given: InferenceInfo) {
    const parent = context.active();
    const scoped = parent.getValue(INFERENCE_INFO_KEY) as Partial<InferenceInfo> | undefined;
    const info = scoped === undefined ? given : mergeInfo(scoped, given);
    const operation =
      typeof info.operation === 'string' && info.operation !== ''
        ? info.operation
        : GEN_AI_OPERATION_CHAT;
    const provider =
      typeof info.provider === 'string' && info.provider !== '' ? info.provider : ERROR_TYPE_OTHER;
    const model = typeof info.model === 'string' ? info.model : String(info.model);
    const version = typeof info.version === 'string' ? info.version : undefined;
    const variant = typeof info.variant === 'string' ? info.variant : undefined;
    const server = info.server;
    const serverAddress = typeof server?.address === 'string' ? server.address : undefined;
    const serverPort =
      serverAddress !== undefined && Number.isInteger(server?.port) ? server?.port : undefined;
    this.predictionId =
      typeof info.predictionId === 'string' && info.predictionId !== ''
        ? info.predictionId
        : predictionId();

    const attrs: Attributes = info.attributes ? { ...info.attributes } : {};
    attrs[ATTR_GEN_AI_OPERATION_NAME] = operation;
    attrs[ATTR_GEN_AI_PROVIDER_NAME] = provider;
    attrs[ATTR_GEN_AI_REQUEST_MODEL] = model;
    attrs[ATTR_AIOBS_PREDICTION_ID] = this.predictionId;
    if (version !== undefined) attrs[ATTR_AIOBS_MODEL_VERSION] = version;
    if (variant !== undefined) attrs[ATTR_AIOBS_DEPLOYMENT_VARIANT] = variant;
    if (typeof info.cacheHit === 'boolean') attrs[ATTR_AIOBS_CACHE_HIT] = info.cacheHit;
    if (
      typeof info.queueWait === 'number' &&
      info.queueWait >= 0 &&
      Number.isFinite(info.queueWait)
    ) {
      attrs[ATTR_AIOBS_QUEUE_WAIT] = info.queueWait;
    }
    if (serverAddress !== undefined) {
      attrs[ATTR_SERVER_ADDRESS] = serverAddress;
      if (serverPort !== undefined) attrs[ATTR_SERVER_PORT] = serverPort;
    }
    if (info.features !== undefined && info.features !== null && runtime.sampler.shouldSample()) {
      runtime.sampler.addFeatures(attrs, info.features);
    }

    this.span = runtime.tracer.startSpan(
      spanName(operation, model),
      { kind: SpanKind.CLIENT, attributes: attrs },
      parent,
    );
    // Scoped info applies to the inferences started directly in its scope, not to ones nested
    // inside them (an embedding call made inside an instrumented chat call is another model).
    const base = scoped === undefined ? parent : parent.deleteValue(INFERENCE_INFO_KEY);
    this.context = trace.setSpan(base, this.span);
    this.series = runtime
      .sink()
      .seriesFor(operation, provider, model, version, variant, serverAddress, serverPort);
    this.startedAt = startOf(this.span);
  }

  setPrediction(p: Prediction): void {
    try {
      if (p === null || typeof p !== 'object') return;
      if (typeof p.value === 'number' ? Number.isFinite(p.value) : typeof p.value === 'string') {
        this.span.setAttribute(ATTR_AIOBS_PREDICTION_VALUE, p.value as number | string);
      }
      if (typeof p.label === 'string') this.span.setAttribute(ATTR_AIOBS_PREDICTION_LABEL, p.label);
      if (typeof p.score === 'number' && Number.isFinite(p.score)) {
        this.span.setAttribute(ATTR_AIOBS_PREDICTION_SCORE, p.score);
      }
    } catch {
      // telemetry must not break the caller
    }
  }

  setUsage(u: Usage): void {
    try {
      if (u === null || typeof u !== 'object') return;
      if (isCount(u.inputTokens)) {
        this.inputTokens = u.inputTokens;
        this.span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, u.inputTokens);
      }
      if (isCount(u.outputTokens)) {
        this.outputTokens = u.outputTokens;
        this.span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, u.outputTokens);
      }
    } catch {
      // telemetry must not break the caller
    }
  }

  setResponseModel(name: string): void {
    try {
      if (typeof name !== 'string' || name === '') return;
      this.responseModel = name;
      this.span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, name);
    } catch {
      // telemetry must not break the caller
    }
  }

  setFinishReasons(reasons: readonly string[]): void {
    try {
      if (!Array.isArray(reasons)) return;
      this.span.setAttribute(
        ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
        reasons.filter((r): r is string => typeof r === 'string'),
      );
    } catch {
      // telemetry must not break the caller
    }
  }

  markFirstToken(): void {
    if (this.ttft !== undefined || this.ended) return;
    try {
      this.ttft = (now() - this.startedAt) / 1000;
      this.span.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, this.ttft);
    } catch {
      // telemetry must not break the caller
    }
  }

  /** Ends the span and records the histograms; later calls do nothing. */
  end(errorType?: string): void {
    if (this.ended) return;
    this.ended = true;
    let duration: number | undefined;
    try {
      this.span.end();
      // The span timed the call already: reading its duration spares a clock read per call.
      duration = spanSeconds(this.span);
    } catch {
      // a broken span processor must not break the caller
    }
    duration ??= (now() - this.startedAt) / 1000;
    try {
      this.series.record(
        duration,
        errorType,
        this.responseModel,
        this.inputTokens,
        this.outputTokens,
        this.ttft,
      );
    } catch {
      // nor a broken metrics pipeline
    }
  }

  /** Records `err` on the span (`error.type`, status, exception event) and ends it. */
  fail(err: unknown): void {
    if (this.ended) return;
    const type = errorTypeOf(err);
    try {
      this.span.setAttribute(ATTR_ERROR_TYPE, type);
      this.span.recordException(asException(err));
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessageOf(err) });
    } catch {
      // telemetry must not break the caller
    }
    this.end(type);
  }
}

/** Context key of the info set by `withInferenceInfo`. */
export const INFERENCE_INFO_KEY = createContextKey('@aiobs/sdk inference info');

/** Scoped info first, the call's own (defined) fields over it; attributes and features merge. */
function mergeInfo(scoped: Partial<InferenceInfo>, own: InferenceInfo): InferenceInfo {
  const out: Record<string, unknown> = { ...scoped };
  for (const [k, v] of Object.entries(own)) if (v !== undefined) out[k] = v;
  if (scoped.attributes && own.attributes)
    out.attributes = { ...scoped.attributes, ...own.attributes };
  if (scoped.features && own.features) out.features = { ...scoped.features, ...own.features };
  return out as unknown as InferenceInfo;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

/** The handle given to `fn` when the SDK itself failed to start an inference: does nothing. */
export function noopHandle(): InferenceHandle {
  const id = predictionId();
  const nothing = () => {};
  return {
    predictionId: id,
    span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
    setPrediction: nothing,
    setUsage: nothing,
    setResponseModel: nothing,
    setFinishReasons: nothing,
    markFirstToken: nothing,
  };
}
