import type { Attributes } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type InitOptions, init } from './init.js';
import type { AiobsHandle } from './types.js';

/** An `init()`ed SDK whose exporters keep everything in memory, for unit tests. */
export interface MemoryPipeline {
  handle: AiobsHandle;
  spanExporter: InMemorySpanExporter;
  metricExporter: InMemoryMetricExporter;
  logExporter: InMemoryLogRecordExporter;
  /** Flushes, then returns the finished spans. */
  spans(): Promise<ReadableSpan[]>;
  /** Flushes, then returns the metrics of the latest collection. */
  metrics(): Promise<MetricData[]>;
  /** Flushes, then returns the log records. */
  logs(): Promise<ReadableLogRecord[]>;
  shutdown(): Promise<void>;
}

/** Starts the SDK through `init()` with in-memory exporters (metrics exported only on flush). */
export function initInMemory(options: InitOptions = {}): MemoryPipeline {
  const spanExporter = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const logExporter = new InMemoryLogRecordExporter();
  const handle = init({
    traceExporter: spanExporter,
    metricExporter,
    logExporter,
    metricExportIntervalMillis: 3_600_000,
    ...options,
  });
  return {
    handle,
    spanExporter,
    metricExporter,
    logExporter,
    async spans() {
      await handle.forceFlush();
      return spanExporter.getFinishedSpans();
    },
    async metrics() {
      await handle.forceFlush();
      const all = metricExporter.getMetrics();
      return all.at(-1)?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
    },
    async logs() {
      await handle.forceFlush();
      return logExporter.getFinishedLogRecords();
    },
    shutdown: () => handle.shutdown(),
  };
}

/** The histogram points of metric `name`, optionally only those whose attributes include `match`. */
export function histogramPoints(
  metrics: MetricData[],
  name: string,
  match: Attributes = {},
): DataPoint<Histogram>[] {
  const m = metrics.find((x) => x.descriptor.name === name);
  if (!m) return [];
  return (m.dataPoints as DataPoint<Histogram>[]).filter((p) =>
    Object.entries(match).every(([k, v]) => p.attributes[k] === v),
  );
}
