import type { Attributes, Span } from '@opentelemetry/api';

/** A sampled input feature: numeric features feed PSI/KS/Wasserstein, strings categorical drift. */
export type FeatureValue = number | string | boolean;

/** What a model call is, given to {@link observeInference}. */
export interface InferenceInfo {
  /** Model name as requested (`gen_ai.request.model`), e.g. `gpt-4o-mini` or `fraud-detector`. */
  model: string;
  /**
   * `gen_ai.operation.name`: `chat` (default), `embeddings`, `text_completion`, … or `predict`
   * for classic ML models.
   */
  operation?: string;
  /** `gen_ai.provider.name`, e.g. `openai`, `anthropic`, or your own serving stack (`onnxruntime`). */
  provider: string;
  /** `aiobs.model.version`: the deployed version, e.g. `v3` or a registry hash. */
  version?: string;
  /** `aiobs.deployment.variant`: the A/B arm or canary the request was routed to. */
  variant?: string;
  /** Input features, recorded as `aiobs.feature.<name>` when the feature sampler lets them through. */
  features?: Record<string, FeatureValue>;
  /** `aiobs.cache.hit`: the answer came from a cache instead of the model. */
  cacheHit?: boolean;
  /** `aiobs.queue.wait`: seconds the request waited before the model started on it. */
  queueWait?: number;
  /** The model server, recorded as `server.address` / `server.port` on spans and metrics. */
  server?: { address: string; port?: number };
  /** Extra span attributes (not added to metrics, so high-cardinality values are fine here). */
  attributes?: Attributes;
  /**
   * Use this id as `aiobs.prediction.id` instead of generating one, e.g. a request id the app
   * already hands to the system that sends feedback later.
   */
  predictionId?: string;
}

/** What a prediction returned, for drift on outputs and accuracy against feedback. */
export interface Prediction {
  /** `aiobs.prediction.value`: a numeric output (regression) or a raw output value. */
  value?: number | string;
  /** `aiobs.prediction.label`: the predicted class. */
  label?: string;
  /** `aiobs.prediction.score`: the model's confidence or probability. */
  score?: number;
}

/** Token counts as the provider reports them (billable tokens when both are reported). */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
}

/** The handle `fn` receives inside {@link observeInference}. Its methods never throw. */
export interface InferenceHandle {
  /** Generated id, also recorded as `aiobs.prediction.id`; pass it to {@link recordFeedback}. */
  readonly predictionId: string;
  /** The inference span, for attributes the SDK has no method for. */
  readonly span: Span;
  setPrediction(prediction: Prediction): void;
  setUsage(usage: Usage): void;
  /** `gen_ai.response.model`: the model that actually answered (e.g. a dated snapshot). */
  setResponseModel(name: string): void;
  /** `gen_ai.response.finish_reasons`, one per choice. */
  setFinishReasons(reasons: readonly string[]): void;
  /**
   * Marks the first streamed chunk: sets `gen_ai.response.time_to_first_chunk` (s) and records
   * `gen_ai.client.operation.time_to_first_chunk`. Later calls are ignored. Called for you on
   * the first item when `fn` returns an async iterator.
   */
  markFirstToken(): void;
}

/** Ground truth for an earlier prediction, sent by {@link recordFeedback}. */
export interface Feedback {
  /** `aiobs.feedback.label`: the true class. */
  label?: string;
  /** `aiobs.feedback.value`: the true numeric value (regression). */
  value?: number;
  /** `aiobs.feedback.correct`: whether the prediction was right. */
  correct?: boolean;
  /** `aiobs.feedback.score`: a rating, e.g. thumbs up = 1, down = 0. */
  score?: number;
  /** Extra log attributes. */
  attributes?: Attributes;
}

/** Counts of one signal's telemetry since `init()`. */
export interface SignalStats {
  /** Items handed to the exporter and acknowledged. */
  exported: number;
  /** Items dropped because the queue was full (collector slow or down). */
  droppedQueueFull: number;
  /** Items dropped because the exporter gave up on them. */
  droppedExportFailed: number;
  /** Items waiting in the queue now. */
  queued: number;
}

/** What {@link AiobsHandle.stats} returns. */
export interface TelemetryStats {
  spans: SignalStats;
  logs: SignalStats;
  /** Metric data points (queued is always 0: metrics are aggregated, not queued). */
  metricPoints: SignalStats;
}

/** Which parts of the pipeline `init()` set up itself, and which it found registered by the app. */
export interface PipelineOwnership {
  traces: 'aiobs' | 'app';
  metrics: 'aiobs' | 'app';
  logs: 'aiobs' | 'app';
}

/** The handle `init()` returns. */
export interface AiobsHandle {
  /** Which providers are the SDK's own and which were already registered by the app. */
  readonly pipeline: PipelineOwnership;
  /** Exports everything buffered so far. Never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes, stops exporting and unregisters the providers the SDK registered. Never rejects. */
  shutdown(): Promise<void>;
  /** Exported and dropped counts per signal. */
  stats(): TelemetryStats;
}
