import { hostname } from 'node:os';
import type { Ingestor } from '../ingest/ingestor.js';
import type { Logger } from '../logger.js';
import type { Engine } from '../storage/engine.js';
import type { EngineStats } from './engine-stats.js';
import type { EvaluatorSource } from './metrics.js';

/** One row of `aiobs_collector_stats`. */
export interface CollectorStatsRow {
  ts: number;
  collector: string;
  started_ms: number;
  pending_bytes: number;
  reserved_bytes: number;
  max_pending_bytes: number;
  refused: number;
  too_large: number;
  decode_errors: number;
  accepted_records: number;
  rejected_records: number;
  rows_written: number;
  inserts: number;
  insert_failures: number;
  active_parts: number;
  merges_running: number;
  rss_bytes: number;
  insert_seconds: number;
  memory_bound_bytes: number;
  memory_refused: number;
  alert_rules: number;
  evaluations: number;
  evaluation_failures: number;
  evaluation_lag_p99_ms: number;
  evaluation_p99_ms: number;
}

/** What the writer reads and where it writes. */
export interface StatsWriterDeps {
  engine: Pick<Engine, 'client' | 'database'>;
  ingestor: Ingestor;
  engineStats: () => Promise<EngineStats>;
  /** The alert evaluator, when this collector runs one. */
  evaluator?: Pick<EvaluatorSource, 'stats'>;
  log: Logger;
  /** Between rows (`--stats-interval`; 60 s by default). */
  intervalMs: number;
}

/** The figures of one row, from the ingestor's counters and the engine's parts (pure). */
export function statsRow(
  ingestor: Ingestor,
  engine: EngineStats,
  meta: {
    now: number;
    collector: string;
    startedMs: number;
    rss: number;
    evaluator?: ReturnType<EvaluatorSource['stats']>;
  },
): CollectorStatsRow {
  const s = ingestor.stats();
  const e = meta.evaluator;
  const tables = Object.values(s.tables);
  const sum = (pick: (t: (typeof tables)[number]) => number) =>
    tables.reduce((n, t) => n + pick(t), 0);
  return {
    ts: Math.floor(meta.now / 1000),
    collector: meta.collector,
    started_ms: meta.startedMs,
    pending_bytes: s.pendingBytes,
    reserved_bytes: s.reservedBytes,
    max_pending_bytes: ingestor.budget.maxBytes,
    refused: s.refused,
    too_large: s.tooLarge,
    decode_errors: ingestor.decodeErrors,
    accepted_records: ingestor.acceptedRecords,
    rejected_records: ingestor.rejectedRecords,
    rows_written: sum((t) => t.rowsWritten),
    inserts: sum((t) => t.inserts),
    insert_failures: sum((t) => t.failures),
    active_parts: engine.parts.reduce((n, p) => n + p.parts, 0),
    merges_running: engine.merges,
    rss_bytes: meta.rss,
    insert_seconds: ingestor.insertSeconds,
    memory_bound_bytes: ingestor.memory?.bound.bytes ?? 0,
    memory_refused: ingestor.memory?.refused ?? 0,
    alert_rules: e?.rules ?? 0,
    evaluations: e?.evaluations ?? 0,
    evaluation_failures: e?.failures ?? 0,
    evaluation_lag_p99_ms: e?.lagMs.p99 ?? 0,
    evaluation_p99_ms: e?.evalMs.p99 ?? 0,
  };
}

/**
 * Writes the collector's figures into `aiobs_collector_stats` every `intervalMs`. A failed
 * write is logged and skipped (the next one carries the totals on): the stats must never
 * hold up the collector, least of all when storage is in trouble.
 */
export function createStatsWriter({
  engine,
  ingestor,
  engineStats,
  evaluator,
  log,
  intervalMs,
}: StatsWriterDeps) {
  const collector = `${hostname()}:${process.pid}`;
  const startedMs = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  async function writeOnce(): Promise<void> {
    const row = statsRow(ingestor, await engineStats(), {
      now: Date.now(),
      collector,
      startedMs,
      rss: process.memoryUsage.rss(),
      evaluator: evaluator?.stats(),
    });
    await engine.client.insert({
      table: `${engine.database}.aiobs_collector_stats`,
      values: [row],
      format: 'JSONEachRow',
    });
  }
  return {
    /** Writes one row now (also what each tick does). */
    writeOnce,
    start(): void {
      if (intervalMs <= 0 || timer) return;
      timer = setInterval(() => {
        running = writeOnce().catch((err: unknown) =>
          log.warn({ err }, 'collector stats not written; the next interval retries'),
        );
      }, intervalMs);
      timer.unref();
    },
    /** Stops the timer and waits for a write in progress (call before closing the engine). */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

/** The writer {@link createStatsWriter} returns. */
export type StatsWriter = ReturnType<typeof createStatsWriter>;
