import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Ingestor } from '../ingest/ingestor.js';
import type { EngineStats } from './engine-stats.js';

/**
 * What the metrics read of the alert evaluator (alerts/ provides it; this module does not
 * import alerting).
 */
export interface EvaluatorSource {
  stats(): {
    rules: number;
    heldShards: number[];
    evaluations: number;
    failures: number;
    cpuMs: Record<string, number>;
    lagMs: { p99: number };
    evalMs: { p99: number };
  };
  onEvaluation?: (lagMs: number, durationMs: number, ok: boolean) => void;
}

/** What the collector's own metrics read at scrape time. */
export interface CollectorMetricsDeps {
  ingestor: Ingestor;
  /** Engine parts and merges, cached by the reader (system tables are not free to read). */
  engineStats: () => Promise<EngineStats>;
  /** The alert evaluator, when this collector runs one. */
  evaluator?: EvaluatorSource;
}

/** The collector's self-metrics: a private registry (not prom-client's global one). */
export interface CollectorMetrics {
  readonly registry: Registry;
  /** Counts one answered HTTP request. */
  request(route: string, method: string, status: number): void;
}

/**
 * A bounded route label: the OTLP signal, or the API's first path segment. Raw paths hold
 * ids (`/api/v1/traces/<id>`), which would make one series per trace.
 */
export function routeLabel(path: string): string {
  if (path.startsWith('/v1/')) return path.split('/').slice(0, 3).join('/');
  if (path.startsWith('/api/v1/')) return `/api/v1/${path.split('/')[3] ?? ''}`;
  if (path === '/metrics') return path;
  return 'other';
}

/**
 * Builds the registry: request counts by route and status, the write path's state (pending
 * and reserved bytes, refused, too large, rejected records, decode errors), per-table
 * batch sizes and insert latency, rows written, and the engine's parts and merges.
 * Counters the ingestor keeps are read at scrape time (`collect`), so the write path pays
 * nothing per request for them.
 */
export function createCollectorMetrics({
  ingestor,
  engineStats,
  evaluator,
}: CollectorMetricsDeps): CollectorMetrics {
  const registry = new Registry();
  // The process's RSS, heap and event-loop lag under their standard names: RSS is what the
  // memory bound holds (--max-rss-bytes).
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'aiobs_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const batchRows = new Histogram({
    name: 'aiobs_ingest_batch_rows',
    help: 'rows per insert, by table',
    labelNames: ['table'],
    buckets: [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
    registers: [registry],
  });
  const insertSeconds = new Histogram({
    name: 'aiobs_ingest_insert_duration_seconds',
    help: 'time from starting an insert to the engine acknowledging it, by table and outcome',
    labelNames: ['table', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  ingestor.onInsert = (table, rows, seconds, ok) => {
    if (ok) batchRows.observe({ table }, rows);
    insertSeconds.observe({ table, outcome: ok ? 'ok' : 'error' }, seconds);
  };
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('aiobs_ingest_pending_bytes', 'encoded rows waiting for the engine', () =>
    ingestor.pendingBytes(),
  );
  gauge('aiobs_ingest_reserved_bytes', 'request bodies being read or decoded', () =>
    ingestor.budget.reserved(),
  );
  gauge(
    'aiobs_ingest_wal_requests',
    'requests answered before their rows were spooled, held in the WAL (--ack-after spool)',
    () => ingestor.walRequests(),
  );
  gauge(
    'aiobs_ingest_max_pending_bytes',
    'the write path memory budget (--max-pending-bytes)',
    () => ingestor.budget.maxBytes,
  );
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  total(
    'aiobs_ingest_refused_total',
    'requests refused with 503 (write path full, memory bound or storage failing)',
    () => ingestor.refused,
  );
  gauge(
    'aiobs_memory_bound_bytes',
    "the collector's memory bound on RSS (--max-rss-bytes; 0: none)",
    () => ingestor.memory?.bound.bytes ?? 0,
  );
  total(
    'aiobs_ingest_wal_writes_total',
    'requests written to the WAL before their answer (--ack-after spool)',
    () => ingestor.walWrites(),
  );
  total(
    'aiobs_ingest_memory_refused_total',
    'requests refused with 503 because RSS was at the memory bound',
    () => ingestor.memory?.refused ?? 0,
  );
  total(
    'aiobs_ingest_too_large_total',
    'requests refused with 413 for their decoded size',
    () => ingestor.tooLarge,
  );
  total(
    'aiobs_ingest_decode_errors_total',
    'requests refused with 400 (body not valid OTLP)',
    () => ingestor.decodeErrors,
  );
  total(
    'aiobs_ingest_accepted_records_total',
    'records (spans, points, log records) accepted',
    () => ingestor.acceptedRecords,
  );
  total(
    'aiobs_ingest_rejected_records_total',
    'records rejected one by one (partial_success)',
    () => ingestor.rejectedRecords,
  );
  const perTable = (name: string, help: string, pick: (t: TableStats) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['table'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [table, t] of Object.entries(ingestor.stats().tables))
          this.inc({ table }, pick(t));
      },
    });
  perTable(
    'aiobs_ingest_rows_written_total',
    'rows acknowledged by the engine, by table',
    (t) => t.rowsWritten,
  );
  perTable(
    'aiobs_ingest_inserts_total',
    'inserts acknowledged by the engine, by table',
    (t) => t.inserts,
  );
  perTable(
    'aiobs_ingest_insert_failures_total',
    'inserts the engine failed (rows dropped, requests answered 503)',
    (t) => t.failures,
  );
  new Gauge({
    name: 'aiobs_engine_active_parts',
    help: 'active data parts per table (too many slow queries and merges down)',
    labelNames: ['table'],
    registers: [registry],
    async collect() {
      const s = await engineStats();
      this.reset();
      for (const p of s.parts) this.set({ table: p.table }, p.parts);
    },
  });
  new Gauge({
    name: 'aiobs_engine_merges_running',
    help: 'merges running in the engine',
    registers: [registry],
    async collect() {
      this.set((await engineStats()).merges);
    },
  });
  new Gauge({
    name: 'aiobs_engine_memory_bytes',
    help: "memory the engine's tracker counts (in the collector's RSS when embedded)",
    registers: [registry],
    async collect() {
      this.set((await engineStats()).memoryBytes);
    },
  });
  if (evaluator) evaluatorMetrics(registry, evaluator);
  return {
    registry,
    request(route, method, status) {
      requests.inc({ route, method, status: String(status) });
    },
  };
}

type TableStats = ReturnType<Ingestor['stats']>['tables'][string];

/** Buckets of the evaluator's lag and duration, seconds: from a fast read to a stuck one. */
const EVAL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The alert evaluator's figures: rules loaded, shards held, evaluations and failures, CPU per
 * step of its loop, and per evaluation its lag behind the scheduled instant and its duration.
 */
function evaluatorMetrics(registry: Registry, evaluator: EvaluatorSource): void {
  const lag = new Histogram({
    name: 'aiobs_alert_evaluation_lag_seconds',
    help: "delay from a rule's scheduled instant to the start of its evaluation",
    buckets: EVAL_BUCKETS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'aiobs_alert_evaluation_duration_seconds',
    help: 'time one rule evaluation took (signal read and state step), by outcome',
    labelNames: ['outcome'],
    buckets: EVAL_BUCKETS,
    registers: [registry],
  });
  evaluator.onEvaluation = (lagMs, durationMs, ok) => {
    lag.observe(lagMs / 1000);
    duration.observe({ outcome: ok ? 'ok' : 'error' }, durationMs / 1000);
  };
  new Gauge({
    name: 'aiobs_alert_rules',
    help: 'enabled alert rules this evaluator has loaded',
    registers: [registry],
    collect() {
      this.set(evaluator.stats().rules);
    },
  });
  new Gauge({
    name: 'aiobs_alert_shards_held',
    help: 'rule shards whose lease this collector holds (it evaluates their rules)',
    registers: [registry],
    collect() {
      this.set(evaluator.stats().heldShards.length);
    },
  });
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  total('aiobs_alert_evaluations_total', 'rule evaluations', () => evaluator.stats().evaluations);
  total(
    'aiobs_alert_evaluation_failures_total',
    'rule evaluations whose signal read failed (the rule took its error state)',
    () => evaluator.stats().failures,
  );
  new Counter({
    name: 'aiobs_alert_evaluator_cpu_seconds_total',
    help: "process CPU time spent in each step of the evaluator's loop (ingest beside it included)",
    labelNames: ['step'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [step, ms] of Object.entries(evaluator.stats().cpuMs))
        this.inc({ step }, ms / 1000);
    },
  });
}
