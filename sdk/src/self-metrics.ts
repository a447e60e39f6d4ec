import type { BatchObservableCallback, Meter, ObservableCounter } from '@opentelemetry/api';
import type { SignalCounters } from './export/signal-counters.js';
import {
  ATTR_AIOBS_SIGNAL,
  ATTR_ERROR_TYPE,
  DROP_REASON_EXPORT_FAILED,
  DROP_REASON_QUEUE_FULL,
  METRIC_AIOBS_SDK_DROPPED,
} from './semconv.js';

/**
 * Registers `aiobs.sdk.telemetry.dropped` ({item}, by `aiobs.signal` and `error.type`):
 * an observable counter read from plain counters at collection time, so counting drops costs
 * nothing per item. Returns a function that unregisters it.
 */
export function registerDroppedCounter(
  meter: Meter,
  counters: Record<string, SignalCounters>,
): () => void {
  const counter: ObservableCounter = meter.createObservableCounter(METRIC_AIOBS_SDK_DROPPED, {
    description:
      'Telemetry items the aiobs SDK dropped: queue full (collector slow or down) or export failed.',
    unit: '{item}',
  });
  const callback: BatchObservableCallback = (result) => {
    for (const [signal, c] of Object.entries(counters)) {
      result.observe(counter, c.droppedQueueFull, {
        [ATTR_AIOBS_SIGNAL]: signal,
        [ATTR_ERROR_TYPE]: DROP_REASON_QUEUE_FULL,
      });
      result.observe(counter, c.droppedExportFailed, {
        [ATTR_AIOBS_SIGNAL]: signal,
        [ATTR_ERROR_TYPE]: DROP_REASON_EXPORT_FAILED,
      });
    }
  };
  meter.addBatchObservableCallback(callback, [counter]);
  return () => meter.removeBatchObservableCallback(callback, [counter]);
}
