import type { Attributes } from '@opentelemetry/api';
import { runtime } from './runtime.js';
import { ATTR_GEN_AI_REQUEST_MODEL } from './semconv.js';

/**
 * Records how many requests wait for `model` right now, as the gauge
 * `aiobs.inference.queue.depth` (`gen_ai.request.model` = model): the signal an autoscaler or
 * an alert rule on saturation watches. Call it whenever the queue changes, or periodically.
 * Never throws; negative or non-finite depths are ignored.
 *
 * @example
 * queue.push(job);
 * recordQueueDepth('llama-3-8b', queue.length);
 */
export function recordQueueDepth(model: string, depth: number, attributes?: Attributes): void {
  try {
    if (
      typeof model !== 'string' ||
      typeof depth !== 'number' ||
      !Number.isFinite(depth) ||
      depth < 0
    )
      return;
    const attrs: Attributes = attributes ? { ...attributes } : {};
    attrs[ATTR_GEN_AI_REQUEST_MODEL] = model;
    runtime.queueDepthGauge().record(depth, attrs);
  } catch {
    // telemetry must not break the caller
  }
}
