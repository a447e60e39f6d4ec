import { context, TraceFlags } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type {
  LogRecordExporter,
  LogRecordProcessor,
  ReadableLogRecord,
  SdkLogRecord,
} from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { BatchConfig } from '../config.js';
import { BoundedBatcher } from './bounded-batcher.js';
import type { SignalCounters } from './signal-counters.js';

type Exporter<T> = { export(items: T[], done: (r: ExportResult) => void): void };

/**
 * Sends a batch through an OTel exporter: waits for the resource's async attributes first (as
 * the OTel batch processors do) and suppresses tracing so that instrumented HTTP clients do not
 * trace the export request itself.
 */
function sender<T extends { resource: Resource }>(
  exporter: Exporter<T>,
): (batch: T[]) => Promise<boolean> {
  return (batch) =>
    new Promise<boolean>((resolve) => {
      const go = () => {
        try {
          context.with(suppressTracing(context.active()), () =>
            exporter.export(batch, (r) => resolve(r.code === ExportResultCode.SUCCESS)),
          );
        } catch {
          resolve(false);
        }
      };
      const resource = batch[0]?.resource;
      if (resource?.asyncAttributesPending && resource.waitForAsyncAttributes) {
        resource.waitForAsyncAttributes().then(go, go);
      } else {
        go();
      }
    });
}

/**
 * The SDK's span processor: a {@link BoundedBatcher} in front of the span exporter, so spans
 * dropped for a full queue or a failed export are counted (`aiobs.sdk.telemetry.dropped`).
 */
export class AiobsSpanProcessor implements SpanProcessor {
  private readonly batcher: BoundedBatcher<ReadableSpan>;

  constructor(
    private readonly exporter: SpanExporter,
    cfg: BatchConfig,
    counters: SignalCounters,
  ) {
    this.batcher = new BoundedBatcher(sender(exporter), cfg, counters);
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.batcher.add(span);
  }

  forceFlush(): Promise<void> {
    return this.batcher.flush();
  }

  async shutdown(): Promise<void> {
    await this.batcher.shutdown();
    await this.exporter.shutdown().catch(() => {});
  }

  /** Drops what is still queued (counted), for a shutdown that ran out of time. */
  abandon(): void {
    this.batcher.abandon();
  }
}

/** The log counterpart of {@link AiobsSpanProcessor}. */
export class AiobsLogRecordProcessor implements LogRecordProcessor {
  private readonly batcher: BoundedBatcher<ReadableLogRecord>;

  constructor(
    private readonly exporter: LogRecordExporter,
    cfg: BatchConfig,
    counters: SignalCounters,
  ) {
    this.batcher = new BoundedBatcher(sender(exporter), cfg, counters);
  }

  onEmit(record: SdkLogRecord): void {
    this.batcher.add(record);
  }

  forceFlush(): Promise<void> {
    return this.batcher.flush();
  }

  async shutdown(): Promise<void> {
    await this.batcher.shutdown();
    await this.exporter.shutdown().catch(() => {});
  }

  /** Drops what is still queued (counted), for a shutdown that ran out of time. */
  abandon(): void {
    this.batcher.abandon();
  }
}
