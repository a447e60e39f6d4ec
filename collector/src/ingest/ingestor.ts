import type { Principal } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { decodeLogs, decodeMetrics, decodeTraces } from '../otlp/decoders.js';
import type { OtlpEncoding, Signal } from '../otlp/http.js';
import type { DecodeContext, DecodeOutcome } from '../otlp/outcome.js';
import type { Engine } from '../storage/engine.js';
import type { NativeBlock } from '../storage/native/block.js';
import { LogsBlock } from '../storage/tables/logs-block.js';
import {
  ExpHistogramBlock,
  GaugeBlock,
  HistogramBlock,
  SumBlock,
  SummaryBlock,
} from '../storage/tables/metrics-blocks.js';
import { TracesBlock } from '../storage/tables/traces-block.js';
import { type BatchPolicy, TableBatcher } from './table-batcher.js';

/**
 * The write path: one group-commit batcher per table, admission control, and the decode
 * step that puts a request's rows into the batches. Memory is bounded by
 * `maxPendingBytes`: past it, requests are refused (503 + Retry-After) before their
 * bodies are read.
 */
export class Ingestor {
  readonly traces: TableBatcher<TracesBlock>;
  readonly logs: TableBatcher<LogsBlock>;
  readonly gauge: TableBatcher<GaugeBlock>;
  readonly sum: TableBatcher<SumBlock>;
  readonly histogram: TableBatcher<HistogramBlock>;
  readonly expHistogram: TableBatcher<ExpHistogramBlock>;
  readonly summary: TableBatcher<SummaryBlock>;
  private readonly all: TableBatcher<NativeBlock>[];
  private readonly maxPendingBytes: number;
  private readonly maxAttributeBytes: number;
  private closed = false;
  /** Requests refused because the write path was full. */
  refused = 0;

  constructor(engine: Engine, config: Config, log: Logger) {
    const policy: BatchPolicy = {
      maxRows: config.batchMaxRows,
      maxBytes: config.batchMaxBytes,
      maxDelayMs: config.batchMaxDelayMs,
    };
    const write = (b: NativeBlock) => engine.insertNative(b.table, b.columnNames(), b.encode());
    const make = <B extends NativeBlock>(create: () => B) =>
      new TableBatcher(create, write, policy, log);
    this.traces = make(() => new TracesBlock());
    this.logs = make(() => new LogsBlock());
    this.gauge = make(() => new GaugeBlock());
    this.sum = make(() => new SumBlock());
    this.histogram = make(() => new HistogramBlock());
    this.expHistogram = make(() => new ExpHistogramBlock());
    this.summary = make(() => new SummaryBlock());
    this.all = [
      this.traces,
      this.logs,
      this.gauge,
      this.sum,
      this.histogram,
      this.expHistogram,
      this.summary,
    ];
    this.maxPendingBytes = config.maxPendingBytes;
    this.maxAttributeBytes = config.maxAttributeBytes;
  }

  /** Encoded bytes held in memory across all tables. */
  pendingBytes(): number {
    let n = 0;
    for (const b of this.all) n += b.pendingBytes();
    return n;
  }

  /** True when new requests must be refused (full, or shutting down). */
  saturated(): boolean {
    return this.closed || this.pendingBytes() >= this.maxPendingBytes;
  }

  /**
   * Decodes `body` into the batches (synchronously: no flush can interleave) and returns a
   * promise that settles when every row it added is committed by the engine. A body that
   * cannot be decoded leaves the batches untouched and throws `OtlpDecodeError`.
   */
  ingest(
    signal: Signal,
    encoding: OtlpEncoding,
    body: Uint8Array,
    principal: Principal,
    outcome: DecodeOutcome,
  ): Promise<unknown> {
    const ctx: DecodeContext = {
      project: principal.project,
      maxAttributeBytes: this.maxAttributeBytes,
    };
    const batchers =
      signal === 'traces'
        ? [this.traces]
        : signal === 'logs'
          ? [this.logs]
          : [this.gauge, this.sum, this.histogram, this.expHistogram, this.summary];
    const marks = batchers.map((b) => b.block().mark());
    try {
      if (signal === 'traces') decodeTraces(encoding, body, this.traces.block(), ctx, outcome);
      else if (signal === 'logs') decodeLogs(encoding, body, this.logs.block(), ctx, outcome);
      else
        decodeMetrics(
          encoding,
          body,
          {
            gauge: this.gauge.block(),
            sum: this.sum.block(),
            histogram: this.histogram.block(),
            expHistogram: this.expHistogram.block(),
            summary: this.summary.block(),
          },
          ctx,
          outcome,
        );
    } catch (err) {
      for (let i = 0; i < batchers.length; i++) batchers[i]!.block().rollback(marks[i]!);
      throw err;
    }
    const commits: Promise<void>[] = [];
    batchers.forEach((b, i) => {
      if (b.block().rows > marks[i]![0]!) commits.push(b.commit());
    });
    return commits.length === 1 ? commits[0]! : Promise.all(commits);
  }

  /** Stops admitting requests, flushes every batch and waits for the inserts. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((b) => b.drain()));
  }

  /** Self-metrics for the health route and benchmarks. */
  stats() {
    const tables: Record<string, { rowsWritten: number; inserts: number; failures: number }> = {};
    for (const b of this.all) {
      tables[b.block().table] = {
        rowsWritten: b.rowsWritten,
        inserts: b.inserts,
        failures: b.failures,
      };
    }
    return { pendingBytes: this.pendingBytes(), refused: this.refused, tables };
  }
}
