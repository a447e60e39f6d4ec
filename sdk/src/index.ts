/**
 * @aiobs/sdk — instrument AI inference in Node apps with OpenTelemetry: GenAI spans and
 * metrics, classic ML predictions, sampled drift features, ground-truth feedback, A/B variants.
 * @packageDocumentation
 */

export type { FeatureSamplingOptions } from './drift.js';
export { recordFeedback } from './feedback.js';
export { type InitOptions, init } from './init.js';
export { observeInference } from './instrument.js';
export { aiobsMetricProducer } from './metric-producer.js';
export { type InstrumentOpenAIOptions, instrumentOpenAI } from './providers/openai.js';
export { recordQueueDepth } from './queue-depth.js';
export { withInferenceInfo } from './scope.js';
export * as semconv from './semconv.js';
export type {
  AiobsHandle,
  FeatureValue,
  Feedback,
  InferenceHandle,
  InferenceInfo,
  PipelineOwnership,
  Prediction,
  SignalStats,
  TelemetryStats,
  Usage,
} from './types.js';
export { SDK_VERSION } from './version.js';
