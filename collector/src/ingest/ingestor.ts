import type { Principal } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import { OverloadError, UnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DecodeBudget } from '../otlp/decode-budget.js';
import { decodeLogs, decodeMetrics, decodeTraces } from '../otlp/decoders.js';
import {
  BehindError,
  DecodedTooLargeError,
  OtlpDecodeError,
  SaturatedError,
} from '../otlp/errors.js';
import type { OtlpEncoding, Signal } from '../otlp/http.js';
import { type DecodeContext, DecodeOutcome, encodeProject } from '../otlp/outcome.js';
import type { Engine } from '../storage/engine.js';
import type { NativeBlock } from '../storage/native/block.js';
import { FeatureValuesBlock } from '../storage/tables/feature-values-block.js';
import { LogsBlock } from '../storage/tables/logs-block.js';
import {
  ExpHistogramBlock,
  GaugeBlock,
  HistogramBlock,
  SumBlock,
  SummaryBlock,
} from '../storage/tables/metrics-blocks.js';
import { TracesBlock } from '../storage/tables/traces-block.js';
import { DecodeTurns } from './decode-turns.js';
import {
  type IngestDedup,
  type InsertBlock,
  type RequestWal,
  requestDigest,
  type WalEntry,
  type WalRequest,
  walEntryName,
} from './dedup/index.js';
import type { MemoryGuard } from './memory-bound.js';
import { StorageBreaker } from './storage-breaker.js';
import { type BatchPolicy, TableBatcher } from './table-batcher.js';
import { type Reservation, WriteBudget } from './write-budget.js';

/**
 * Longest a body already read may wait for its decode turn before new requests are refused
 * (503 + Retry-After) until the queue catches up. Closed-loop load at the maximum rate keeps
 * the wait far below it (32 clients: a few tens of ms); past it the collector is overloaded, and
 * refusing before reading costs less than reading bodies that wait seconds.
 */
export const MAX_DECODE_LAG_MS = 500;
/** Capacity each column keeps after a refused request is rolled back (see `ByteSink.trim`). */
const TRIM_KEEP_BYTES = 1024 * 1024;
/** What `append` returns for a request with nothing new to store (compared by identity). */
const NOTHING_TO_STORE: Promise<void> = Promise.resolve();

/**
 * `--max-decoded-bytes`, or its default: 2 x `--max-body-bytes` (64 MiB with the defaults).
 * Measured: protobuf spans with a typical resource decode to 2-9x their size, so ordinary
 * batches (up to a few MB) stay far below it; a refused request peaks near twice the limit
 * while the sinks double (the 1.3 MB amplification request: +138 MB RSS at 2x, +327 MB at 4x).
 */
export function maxDecodedBytes(config: Config): number {
  return config.maxDecodedBytes ?? 2 * config.maxBodyBytes;
}

/**
 * The write path: one group-commit batcher per table, admission control, and the decode
 * step that puts a request's rows into the batches. Memory is bounded by
 * `maxPendingBytes`, shared by the rows in the batches and the bodies being read or
 * decoded (`reserve()`): past it, requests are refused (503 + Retry-After). One request's
 * rows are bounded by `maxDecodedBytes` (413), checked after every record it decodes.
 */
export class Ingestor {
  readonly traces: TableBatcher<TracesBlock>;
  readonly logs: TableBatcher<LogsBlock>;
  readonly gauge: TableBatcher<GaugeBlock>;
  readonly sum: TableBatcher<SumBlock>;
  readonly histogram: TableBatcher<HistogramBlock>;
  readonly expHistogram: TableBatcher<ExpHistogramBlock>;
  readonly summary: TableBatcher<SummaryBlock>;
  /** Typed drift inputs of the spans (aiobs_feature_values), written beside them. */
  readonly features: TableBatcher<FeatureValuesBlock>;
  private readonly all: TableBatcher<NativeBlock>[];
  /** Memory shared by pending rows and bodies in flight (`--max-pending-bytes`). */
  readonly budget: WriteBudget;
  private readonly maxDecodedBytes: number;
  private readonly maxAttributeBytes: number;
  private readonly maxAttributes: number;
  private closed = false;
  /** Requests refused with 503 (write path full, memory bound, storage failing, closing). */
  refused = 0;
  /** Requests refused (503) while decoding: their body was read, their rows had no room. */
  refusedAtDecode = 0;
  /** Requests refused because their rows passed `maxDecodedBytes`. */
  tooLarge = 0;
  /** Where requests' decodes wait for their turn (a few ms of each event-loop iteration). */
  readonly turns = new DecodeTurns();
  /** Refuses new data for a while after storage failed an insert (503 + Retry-After). */
  readonly storage = new StorageBreaker();
  /** Requests refused with 400, and records accepted/rejected (self-metrics). */
  decodeErrors = 0;
  acceptedRecords = 0;
  rejectedRecords = 0;
  /** Seconds the engine took over every insert so far, failed ones included. */
  insertSeconds = 0;
  /** Told of every insert (observability/ sets it: batch sizes, insert latency). */
  onInsert?: (table: string, rows: number, seconds: number, ok: boolean) => void;

  /**
   * @param dedup when given, a resent request stores its rows once (ingest/dedup/); it must
   *   be opened for {@link Ingestor.TABLES}.
   * @param memory when given, the write budget's effective maximum is its room under the
   *   process's memory bound (`--max-rss-bytes`)
   * @param wal when given (`--ack-after spool`, with `dedup`), a request is answered once it
   *   is written there, before its rows are inserted; run {@link Ingestor.replay} at start
   */
  constructor(
    engine: Pick<Engine, 'insertNative' | 'copiesInsertBlock'>,
    config: Config,
    private readonly log: Logger,
    private readonly dedup?: IngestDedup,
    readonly memory?: MemoryGuard,
    private readonly wal?: RequestWal,
  ) {
    const policy: BatchPolicy = {
      maxRows: config.batchMaxRows,
      maxBytes: config.batchMaxBytes,
      maxDelayMs: config.batchMaxDelayMs,
      spoolDelayMs: config.batchSpoolDelayMs,
      ackOnSpool: config.ackAfter === 'spool' && dedup !== undefined,
      // The ingest dedup spools a block, then starts its insert, then says it is spooled.
      releaseOnSpool: engine.copiesInsertBlock === true,
    };
    const insert: InsertBlock = (table, columns, block, rows, settings) => {
      const t0 = performance.now();
      const done = (ok: boolean) => {
        const took = (performance.now() - t0) / 1000;
        this.insertSeconds += took;
        this.onInsert?.(table, rows, took, ok);
      };
      return engine.insertNative(table, columns, block, settings).then(
        () => {
          done(true);
          this.storage.succeeded();
        },
        (err: unknown) => {
          done(false);
          this.storage.failed();
          throw err;
        },
      );
    };
    const write = dedup
      ? (b: NativeBlock, digests: readonly string[], spooled?: () => void) =>
          dedup.write(b, digests, insert, spooled)
      : // Without the dedup, no block is deduplicated (migration 0075 keeps a window of
        // block ids; identical blocks from distinct requests must both be stored).
        (b: NativeBlock) =>
          insert(b.table, b.columnNames(), b.encode(), b.rows, { insert_deduplicate: 0 });
    const make = <B extends NativeBlock>(create: () => B) =>
      new TableBatcher(create, write, policy, log);
    this.traces = make(() => new TracesBlock());
    this.logs = make(() => new LogsBlock());
    this.gauge = make(() => new GaugeBlock());
    this.sum = make(() => new SumBlock());
    this.histogram = make(() => new HistogramBlock());
    this.expHistogram = make(() => new ExpHistogramBlock());
    this.summary = make(() => new SummaryBlock());
    this.features = make(() => new FeatureValuesBlock());
    this.features.follow(this.traces);
    this.all = [
      this.traces,
      this.logs,
      this.gauge,
      this.sum,
      this.histogram,
      this.expHistogram,
      this.summary,
      this.features,
    ];
    this.budget = new WriteBudget(config.maxPendingBytes, () => this.pendingBytes(), memory);
    this.maxDecodedBytes = maxDecodedBytes(config);
    this.maxAttributeBytes = config.maxAttributeBytes;
    this.maxAttributes = config.maxAttributesPerRecord;
  }

  /** The tables the batchers write, in a fixed order (the dedup's table bits). */
  static readonly TABLES = [
    'otel_traces',
    'otel_logs',
    'otel_metrics_gauge',
    'otel_metrics_sum',
    'otel_metrics_histogram',
    'otel_metrics_exponential_histogram',
    'otel_metrics_summary',
    'aiobs_feature_values',
  ] as const;

  /** Requests answered before their rows were spooled, held in the WAL (`--ack-after spool`). */
  walRequests(): number {
    return this.wal?.pending ?? 0;
  }

  /** Requests written to the WAL since start (`--ack-after spool`). */
  walWrites(): number {
    return this.wal?.written ?? 0;
  }

  /**
   * Resolves once the rows of every request answered so far have been through their
   * insert, or after `maxWaitMs` (a store that takes longer holds no read past that).
   * With `--ack-after spool` a request is answered before its insert; a read that waits
   * for this first sees what the client was told is stored, as with `--ack-after insert`,
   * where answers wait for the insert already and this resolves at once.
   */
  answeredInserted(maxWaitMs: number): Promise<void> {
    if (!this.wal) return Promise.resolve();
    const pending = this.all.filter((b) => b.busy());
    if (pending.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      Promise.all(pending.map((b) => b.inserted())).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Encoded bytes held in memory across all tables. */
  pendingBytes(): number {
    let n = 0;
    for (const b of this.all) n += b.pendingBytes();
    return n;
  }

  /**
   * Admission of a new request: why it must be refused now (503 + Retry-After), counted as
   * a refusal, or undefined. The write budget decides, under the memory bound when there is
   * one; a request still gets in while the write path holds nothing (see `WriteBudget`).
   */
  admit(): OverloadError | undefined {
    const lag = this.turns.lagMs();
    const refusal = this.closed
      ? new SaturatedError()
      : lag > MAX_DECODE_LAG_MS
        ? new BehindError(lag)
        : this.budget.refusal();
    if (refusal) this.refused++;
    return refusal;
  }

  /** A reservation of the memory budget for one request's body; release it when done. */
  reserve(): Reservation {
    return this.budget.open();
  }

  /**
   * Decodes `body` into the batches (synchronously: no flush can interleave) and returns a
   * promise that settles when every row it added is committed by the engine. A request
   * that is refused while decoding leaves the batches untouched and throws:
   * `OtlpDecodeError` (400) for a body that cannot be decoded, `DecodedTooLargeError`
   * (413) once its rows pass `maxDecodedBytes`, `SaturatedError` (503) once they pass what
   * the memory budget has left beside `body` (held by `reservation`).
   */
  ingest(
    signal: Signal,
    encoding: OtlpEncoding,
    body: Uint8Array,
    principal: Principal,
    outcome: DecodeOutcome,
    reservation?: Reservation,
  ): Promise<unknown> {
    const committed = this.append(signal, encoding, body, principal, outcome, reservation);
    const wal = this.wal;
    // Nothing of it left to store (no rows, or a resend whose rows are stored): no WAL record.
    if (!wal || committed === NOTHING_TO_STORE) return committed;
    // Handled here already: the commit may fail while the WAL write is still under way, and
    // an unhandled rejection would end the process (settleWal decides what follows).
    committed.catch(() => undefined);
    // Written down before the answer: from here a crash is made good by the restart, and a
    // failed insert by the spool's retries, so the answer need not wait for the insert.
    return wal.write({ projectId: principal.projectId, signal, encoding, body }).then(
      (entry) => this.settleWal(entry, committed, 1000),
      (err: unknown) => {
        this.log.warn({ err }, 'request not written to the WAL; answering after its insert');
        return committed;
      },
    );
  }

  /**
   * Ingests every request the WAL holds (answered, maybe not stored when the process
   * stopped) and waits for their rows; run at start, after the dedup's own spool and
   * before listening. A request that cannot be stored now is retried in the background.
   * Resolves with the number of requests re-run; those whose rows were stored already
   * (a WAL segment also holds requests stored before it was deleted) add nothing.
   */
  async replay(): Promise<number> {
    if (!this.wal) return 0;
    const entries = await this.wal.list();
    const added = await Promise.all(entries.map((e) => this.replayOne(e.entry, e.request, 1000)));
    const stored = added.filter(Boolean).length;
    if (entries.length > 0) {
      this.log.info({ requests: entries.length, stored }, 'answered requests re-run');
    }
    return entries.length;
  }

  /** Removes a WAL record once its request's rows are spooled or stored, else retries it. */
  private settleWal(entry: WalEntry, committed: Promise<unknown>, retryMs: number): void {
    committed.then(
      () => this.wal!.remove(entry).catch(() => undefined),
      (err: unknown) => {
        if (this.closed) return; // the next start ingests it
        const wal = walEntryName(entry);
        this.log.warn({ err, wal }, 'answered request not stored; retrying from the WAL');
        // Renewed: written anew into the open segment, so its old one can go.
        const t = setTimeout(() => {
          this.wal!.renew(entry).then(
            (r) => r && this.replayOne(r.entry, r.request, Math.min(retryMs * 2, 30_000)),
            () => undefined,
          );
        }, retryMs);
        t.unref();
      },
    );
  }

  /** Ingests one WAL request again; resolves with whether it had rows not yet stored. */
  private async replayOne(entry: WalEntry, r: WalRequest, retryMs: number): Promise<boolean> {
    let committed: Promise<unknown>;
    try {
      const principal: Principal = { kind: 'ingest', projectId: r.projectId };
      committed = this.append(r.signal, r.encoding, r.body, principal, new DecodeOutcome());
    } catch (err) {
      if (err instanceof OtlpDecodeError) {
        // It decoded when it was answered: a record that no longer does is not this version's.
        const kept = await this.wal!.setAside(entry).catch(() => walEntryName(entry));
        this.log.error({ err, file: kept }, 'answered request no longer decodes; set aside');
        return false;
      }
      committed = Promise.reject(err);
    }
    this.settleWal(entry, committed, retryMs);
    await committed.catch(() => undefined);
    return committed !== NOTHING_TO_STORE;
  }

  /** Decodes `body` into the batches; see {@link Ingestor.ingest}. */
  private append(
    signal: Signal,
    encoding: OtlpEncoding,
    body: Uint8Array,
    principal: Principal,
    outcome: DecodeOutcome,
    reservation?: Reservation,
  ): Promise<unknown> {
    const dedup = this.dedup;
    const digest = dedup ? requestDigest(principal.projectId, signal, body) : undefined;
    if (digest !== undefined && dedup!.inDoubt(digest))
      throw new UnavailableError('an earlier copy of this request is being stored; retry later', 1);
    const headroom = reservation ? this.budget.headroom(reservation) : undefined;
    const ctx: DecodeContext = {
      // Encoded per request (a few bytes): every row repeats it, and auth stays unaware of
      // the Native format.
      project: encodeProject(principal.projectId),
      maxAttributeBytes: this.maxAttributeBytes,
      maxAttributes: this.maxAttributes,
      droppedAttributes: 0,
      budget: new DecodeBudget(this.maxDecodedBytes, headroom?.bytes, headroom?.refuse),
      features: signal === 'traces' ? this.features.block() : undefined,
    };
    // Feature rows before their spans: the spans' commit may start the spans' insert, which
    // takes the feature rows along (TableBatcher.follow), so their commit must be registered.
    const batchers =
      signal === 'traces'
        ? [this.features, this.traces]
        : signal === 'logs'
          ? [this.logs]
          : [this.gauge, this.sum, this.histogram, this.expHistogram, this.summary];
    const marks = batchers.map((b) => b.block().mark());
    ctx.budget.begin(batchers.map((b) => b.block()));
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
      if (err instanceof OtlpDecodeError) this.decodeErrors++;
      if (err instanceof OverloadError) this.refusedAtDecode++;
      if (err instanceof DecodedTooLargeError || err instanceof OverloadError) {
        if (err instanceof DecodedTooLargeError) this.tooLarge++;
        // The refused rows made the columns grow; do not keep that memory for the next ones.
        for (const b of batchers) b.block().trim(TRIM_KEEP_BYTES);
      }
      throw err;
    }
    outcome.maxAttributes = ctx.maxAttributes;
    this.acceptedRecords += outcome.accepted;
    this.rejectedRecords += outcome.rejected;
    outcome.droppedAttributes += ctx.droppedAttributes;
    const commits: Promise<void>[] = [];
    batchers.forEach((b, i) => {
      if (b.block().rows <= marks[i]![0]!) return;
      if (digest === undefined) {
        commits.push(b.commit());
        return;
      }
      // A resend: its rows for this table are stored already (skip) or on their way in the
      // insert of its first copy (wait for that one).
      const table = b.block().table;
      const decision = dedup!.decide(digest, table);
      if (decision === 'write') commits.push(dedup!.track(digest, table, b.commit(digest)));
      else {
        b.block().rollback(marks[i]!);
        if (decision !== 'skip') commits.push(decision);
      }
    });
    // A resend whose spans were stored rolled them back: its feature rows go on their own.
    if (signal === 'traces') this.features.nudge();
    if (commits.length === 0) return NOTHING_TO_STORE;
    return commits.length === 1 ? commits[0]! : Promise.all(commits);
  }

  /** Stops admitting requests, flushes every batch and waits for the inserts. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((b) => b.drain()));
    this.wal?.close();
    await this.dedup?.close();
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
    return {
      pendingBytes: this.pendingBytes(),
      reservedBytes: this.budget.reserved(),
      decodeTurns: {
        waiting: this.turns.waiting,
        ran: this.turns.ran,
        maxWaitMs: Math.round(this.turns.maxWaitMs),
      },
      refused: this.refused,
      refusedAtDecode: this.refusedAtDecode,
      tooLarge: this.tooLarge,
      tables,
      dedup: this.dedup ? { ...this.dedup.stats(), skipped: { ...this.dedup.skipped } } : undefined,
    };
  }
}
