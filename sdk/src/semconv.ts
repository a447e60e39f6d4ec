/**
 * Attribute, metric and event names used by the SDK.
 *
 * The GenAI names are copied from the OpenTelemetry GenAI semantic conventions (status:
 * development) rather than imported from `@opentelemetry/semantic-conventions/incubating`, as
 * OpenTelemetry recommends for unstable names: a convention rename must be a deliberate change
 * here, not a side effect of a dependency bump. The `aiobs.*` names are aiobs's own extensions
 * (see DESIGN.md, "Telemetry conventions").
 * @module
 */

// --- GenAI span and metric attributes -----------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name' as const;
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model' as const;
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model' as const;
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id' as const;
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons' as const;
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK =
  'gen_ai.response.time_to_first_chunk' as const;
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens' as const;
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens' as const;
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS =
  'gen_ai.usage.cache_read.input_tokens' as const;
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type' as const;
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens' as const;
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature' as const;
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p' as const;
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty' as const;
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty' as const;
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences' as const;
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed' as const;
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count' as const;
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream' as const;
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats' as const;
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count' as const;
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type' as const;
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages' as const;
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages' as const;
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions' as const;
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT =
  'openai.response.system_fingerprint' as const;
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier' as const;
export const ATTR_SERVER_ADDRESS = 'server.address' as const;
export const ATTR_SERVER_PORT = 'server.port' as const;
export const ATTR_ERROR_TYPE = 'error.type' as const;

/** Well-known `gen_ai.operation.name` values used by the SDK. */
export const GEN_AI_OPERATION_CHAT = 'chat' as const;
export const GEN_AI_OPERATION_EMBEDDINGS = 'embeddings' as const;
/** Operation name aiobs uses for classic ML models (same span shape as GenAI calls). */
export const AIOBS_OPERATION_PREDICT = 'predict' as const;
export const GEN_AI_PROVIDER_OPENAI = 'openai' as const;
export const GEN_AI_TOKEN_TYPE_INPUT = 'input' as const;
export const GEN_AI_TOKEN_TYPE_OUTPUT = 'output' as const;
/** `error.type` when nothing more specific is known (per the error.type convention). */
export const ERROR_TYPE_OTHER = '_OTHER' as const;

// --- GenAI client metrics -----------------------------------------------------------------
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration' as const;
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage' as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK =
  'gen_ai.client.operation.time_to_first_chunk' as const;

/**
 * ExplicitBucketBoundaries the GenAI conventions give for `gen_ai.client.operation.duration`
 * and `gen_ai.client.operation.time_to_first_chunk` (seconds).
 */
export const GEN_AI_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]);

/** ExplicitBucketBoundaries the GenAI conventions give for `gen_ai.client.token.usage`. */
export const GEN_AI_TOKEN_BUCKETS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);

// --- aiobs extensions ---------------------------------------------------------------------
export const ATTR_AIOBS_MODEL_VERSION = 'aiobs.model.version' as const;
export const ATTR_AIOBS_DEPLOYMENT_VARIANT = 'aiobs.deployment.variant' as const;
export const ATTR_AIOBS_PREDICTION_ID = 'aiobs.prediction.id' as const;
export const ATTR_AIOBS_PREDICTION_VALUE = 'aiobs.prediction.value' as const;
export const ATTR_AIOBS_PREDICTION_LABEL = 'aiobs.prediction.label' as const;
export const ATTR_AIOBS_PREDICTION_SCORE = 'aiobs.prediction.score' as const;
/** Prefix of sampled input features: `aiobs.feature.<name>`. */
export const ATTR_AIOBS_FEATURE_PREFIX = 'aiobs.feature.' as const;
export const ATTR_AIOBS_CACHE_HIT = 'aiobs.cache.hit' as const;
export const ATTR_AIOBS_QUEUE_WAIT = 'aiobs.queue.wait' as const;
export const ATTR_AIOBS_FEEDBACK_LABEL = 'aiobs.feedback.label' as const;
export const ATTR_AIOBS_FEEDBACK_VALUE = 'aiobs.feedback.value' as const;
export const ATTR_AIOBS_FEEDBACK_CORRECT = 'aiobs.feedback.correct' as const;
export const ATTR_AIOBS_FEEDBACK_SCORE = 'aiobs.feedback.score' as const;
/** Which signal a self-metric data point is about: `spans`, `logs` or `metric_points`. */
export const ATTR_AIOBS_SIGNAL = 'aiobs.signal' as const;

/** Event name of the ground-truth log record that the backend joins to a prediction. */
export const EVENT_AIOBS_FEEDBACK = 'aiobs.feedback' as const;
/** Gauge: requests waiting for a model (an autoscaling signal). */
export const METRIC_AIOBS_INFERENCE_QUEUE_DEPTH = 'aiobs.inference.queue.depth' as const;
/** Counter: telemetry items the SDK dropped (queue full or export failed), by signal. */
export const METRIC_AIOBS_SDK_DROPPED = 'aiobs.sdk.telemetry.dropped' as const;
/** `error.type` values of {@link METRIC_AIOBS_SDK_DROPPED}. */
export const DROP_REASON_QUEUE_FULL = 'queue_full' as const;
export const DROP_REASON_EXPORT_FAILED = 'export_failed' as const;

/** Instrumentation scope name of everything the SDK emits. */
export const SCOPE_NAME = '@aiobs/sdk' as const;
