import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type {
  AggregationOption,
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { SignalCounters } from './signal-counters.js';

/** Counts the data points of a ResourceMetrics. */
export function countDataPoints(rm: ResourceMetrics): number {
  let n = 0;
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  return n;
}

/**
 * Wraps a metric exporter to count exported and failed data points, so a collector outage
 * shows up in `aiobs.sdk.telemetry.dropped` like dropped spans do.
 */
export class CountingMetricExporter implements PushMetricExporter {
  selectAggregationTemporality?: (t: InstrumentType) => AggregationTemporality;
  selectAggregation?: (t: InstrumentType) => AggregationOption;

  constructor(
    private readonly inner: PushMetricExporter,
    private readonly counters: SignalCounters,
  ) {
    if (inner.selectAggregationTemporality) {
      this.selectAggregationTemporality = inner.selectAggregationTemporality.bind(inner);
    }
    if (inner.selectAggregation) this.selectAggregation = inner.selectAggregation.bind(inner);
  }

  export(metrics: ResourceMetrics, done: (r: ExportResult) => void): void {
    const n = countDataPoints(metrics);
    try {
      this.inner.export(metrics, (r) => {
        if (r.code === ExportResultCode.SUCCESS) this.counters.exported += n;
        else this.counters.droppedExportFailed += n;
        done(r);
      });
    } catch (error) {
      this.counters.droppedExportFailed += n;
      done({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
