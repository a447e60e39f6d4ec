import { context } from '@opentelemetry/api';
import { Inference, type InferenceHooks, noopHandle } from './inference.js';
import { instrumentStream, isObservableStream } from './stream.js';
import type { InferenceHandle, InferenceInfo } from './types.js';

/**
 * Runs `fn` inside an inference span that follows the OpenTelemetry GenAI conventions (name
 * `{operation} {model}`, kind CLIENT) plus aiobs's model version, A/B variant, cache, queue
 * and sampled-feature attributes, and records the GenAI client histograms.
 *
 * Returns what `fn` returns: the value for a synchronous `fn`, a promise for an async one, and
 * for an async iterable (a stream) the same object, instrumented so the span ends when
 * iteration ends and the first chunk sets the time to first chunk. When `fn` throws or
 * rejects, the span records `error.type` and an error status, and the same error object is
 * rethrown. Telemetry failures never reach the caller.
 *
 * @example
 * const answer = await observeInference(
 *   { model: 'fraud-detector', operation: 'predict', provider: 'onnxruntime', version: 'v3',
 *     features: { amount: 129.5, country: 'DE' } },
 *   async (inf) => {
 *     const score = await model.score(tx);
 *     inf.setPrediction({ score, label: score > 0.8 ? 'fraud' : 'ok' });
 *     return { score, predictionId: inf.predictionId };
 *   },
 * );
 */
export function observeInference<T>(info: InferenceInfo, fn: (inf: InferenceHandle) => T): T {
  return observe(info, fn, undefined);
}

/** `observeInference` with hooks for provider instrumentations. @internal */
export function observe<T>(
  info: InferenceInfo,
  fn: (inf: InferenceHandle) => T,
  hooks?: InferenceHooks,
): T {
  let inf: Inference | undefined;
  try {
    inf = new Inference(info);
  } catch {
    // The SDK failed to start telemetry: run the caller's code untouched.
  }
  if (inf === undefined) return fn(noopHandle());
  let result: T;
  try {
    result = context.with(inf.context, fn, undefined, inf);
  } catch (err) {
    inf.fail(err);
    throw err;
  }
  return settle(inf, result, hooks);
}

/**
 * Ends `inf` when `result` is done: now for plain values, on settlement for promises, at the
 * end of iteration for streams. Returns `result` (or the promise chained onto it).
 * @internal
 */
export function settle<T>(inf: Inference, result: T, hooks?: InferenceHooks): T {
  if (isThenable(result)) {
    return result.then(
      (value) => settleValue(inf, value, hooks),
      (err: unknown) => {
        inf.fail(err);
        throw err;
      },
    ) as T;
  }
  return settleValue(inf, result, hooks);
}

/** Settles a resolved value: instruments streams, ends the span otherwise. @internal */
export function settleValue<V>(inf: Inference, value: V, hooks?: InferenceHooks): V {
  try {
    if (isObservableStream(value) && instrumentStream(value, inf, hooks)) return value;
    hooks?.onResult?.(value, inf);
  } catch {
    // a hook's failure must not cost the caller its result
  }
  inf.end();
  return value;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}
