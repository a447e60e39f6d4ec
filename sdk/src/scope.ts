import { context } from '@opentelemetry/api';
import { INFERENCE_INFO_KEY } from './inference.js';
import type { InferenceInfo } from './types.js';

/**
 * Runs `fn` with inference info that applies to the inferences it starts, including those that
 * provider instrumentations start for you (`instrumentOpenAI`): A/B variant, version, queue
 * wait, cache, features, or your own prediction id for feedback. Fields given to the call
 * itself win. Returns what `fn` returns. Never throws on its own account.
 *
 * @example
 * const predictionId = randomUUID();
 * const reply = await withInferenceInfo(
 *   { variant: arm, version: arm === 'treatment' ? 'v2' : 'v1', queueWait, predictionId,
 *     features: { prompt_chars: prompt.length } },
 *   () => openai.chat.completions.create({ model, messages }),
 * );
 * res.setHeader('x-prediction-id', predictionId);
 */
export function withInferenceInfo<T>(info: Partial<InferenceInfo>, fn: () => T): T {
  let ctx: ReturnType<typeof context.active> | undefined;
  try {
    if (info !== null && typeof info === 'object')
      ctx = context.active().setValue(INFERENCE_INFO_KEY, { ...info });
  } catch {
    // telemetry must not break the caller
  }
  return ctx === undefined ? fn() : context.with(ctx, fn);
}
