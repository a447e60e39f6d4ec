import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger.js';
import type { Engine, InsertSettings } from '../../storage/engine.js';
import type { NativeBlock } from '../../storage/native/block.js';
import { findDigestsSince, insertDigests } from './digest-repo.js';
import { DigestWindow } from './digest-window.js';
import { Spool, type SpoolEntry } from './spool.js';

/** Inserts one block (the ingestor's instrumented insert, or the engine's own). */
export type InsertBlock = (
  table: string,
  columns: readonly string[],
  block: readonly Buffer[],
  rows: number,
  settings: InsertSettings,
) => Promise<void>;

/**
 * What to do with one request's rows for one table: write them, drop them (`skip`: a
 * resend whose rows are stored), or wait for the insert that already carries them.
 */
export type DedupDecision = 'write' | 'skip' | Promise<void>;

export interface IngestDedupOptions {
  engine: Pick<Engine, 'client' | 'database' | 'insertNative' | 'kind'>;
  /** Folder of the spool (under the data dir). */
  spoolDir: string;
  /** fsync each spool file before its insert (`--fsync`). */
  fsync?: boolean;
  /** Tables the ingest path writes (at most 8; each gets a bit in the window). */
  tables: readonly string[];
  log: Logger;
  /** How long a committed request is recognised as a resend (default 1 h). */
  windowSeconds?: number;
  /** Most digests held in memory (default 4 million, about 400 MB). */
  maxDigests?: number;
  /** Delay before committed digests are recorded in one insert (default 1 s). */
  recordDelayMs?: number;
  /**
   * Period of re-reading the digests other collectors recorded (default 2 s with a server,
   * never with the embedded engine, which has one collector).
   */
  refreshMs?: number;
}

/** Settings that make an insert idempotent under its token, views included. */
function dedupSettings(token: string): InsertSettings {
  return {
    insert_deduplicate: 1,
    insert_deduplication_token: token,
    deduplicate_blocks_in_dependent_materialized_views: 1,
  };
}

const nowSeconds = () => Date.now() / 1000;

/**
 * Makes a resent OTLP request store its rows once, in the raw tables and in every table
 * derived from them (docs/scaling.md, "Resent requests are stored once"). Three parts:
 * - every block insert carries an `insert_deduplication_token`, and the tables a
 *   `non_replicated_deduplication_window` (migration 0075): the same block inserted again
 *   with its token adds nothing where it had committed and completes the views where not;
 * - the block is spooled before its insert and kept until its requests' digests are
 *   recorded: a restart (before it listens) re-inserts every spooled block with its token;
 * - the digests of committed requests, per table, in memory (`DigestWindow`) and in
 *   aiobs_ingest_digests: a resend's rows are dropped for each table that has them.
 * A failed insert (its outcome unknown) keeps its block spooled and is retried with its
 * token until it succeeds; resends of its requests meanwhile get 503.
 */
export class IngestDedup {
  private readonly window: DigestWindow;
  private readonly bits: Map<string, number>;
  /** `${digest} ${table}` -> the commit of the request that carries those rows now. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Digests in blocks whose insert failed and waits for a retry -> how many such blocks. */
  private readonly doubtful = new Map<string, number>();
  private retrying: SpoolEntry[] = [];
  private toRecord: SpoolEntry[] = [];
  private recordTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 500;
  private lastRefresh = 0;
  private recording: Promise<void> = Promise.resolve();
  private closed = false;
  readonly spool: Spool;
  /** Requests' rows dropped as resends, per table (self-metrics). */
  readonly skipped: Record<string, number> = {};
  /** Spooled blocks inserted again at start or after a failure. */
  recovered = 0;

  private constructor(private readonly opts: IngestDedupOptions) {
    this.window = new DigestWindow(opts.windowSeconds ?? 3600, opts.maxDigests ?? 4_000_000);
    if (opts.tables.length > 8) throw new Error('IngestDedup: at most 8 tables');
    this.bits = new Map(opts.tables.map((t, i) => [t, i]));
    this.spool = new Spool(opts.spoolDir, opts.fsync ?? false);
  }

  /**
   * Loads the recent digests and finishes every spooled insert (run before listening, so
   * no resend arrives before its original is complete and recorded).
   */
  static async open(opts: IngestDedupOptions): Promise<IngestDedup> {
    const d = new IngestDedup(opts);
    const since = nowSeconds() - d.window.windowSeconds;
    for (const r of await findDigestsSince(opts.engine, since)) d.mark(r.digest, r.table, r.time);
    d.lastRefresh = nowSeconds();
    const spooled = await d.spool.list();
    for (const entry of spooled) {
      try {
        await d.reinsert(entry);
        d.recovered++;
        d.committed(entry);
      } catch (err) {
        opts.log.warn({ err, table: entry.table }, 'spooled block not re-inserted; retrying');
        d.doubt(entry);
      }
    }
    if (spooled.length > 0) {
      opts.log.info({ blocks: spooled.length, completed: d.recovered }, 'spooled inserts re-run');
      await d.record().catch((err: unknown) => {
        opts.log.warn({ err }, 'request digests not recorded; retrying');
      });
    }
    const refreshMs = opts.refreshMs ?? (opts.engine.kind === 'server' ? 2000 : 0);
    if (refreshMs > 0) {
      d.refreshTimer = setInterval(() => d.refresh(), refreshMs);
      d.refreshTimer.unref();
    }
    return d;
  }

  /** Digests held in memory and those forgotten early (self-metrics). */
  stats() {
    return { digests: this.window.size, evicted: this.window.evicted, recovered: this.recovered };
  }

  /** True while a block with this request's rows waits for a retry: answer 503. */
  inDoubt(digest: string): boolean {
    return this.doubtful.has(digest);
  }

  /** Whether a request's rows for `table` must be written (see {@link DedupDecision}). */
  decide(digest: string, table: string): DedupDecision {
    if (this.window.has(digest, this.bit(table))) {
      this.skipped[table] = (this.skipped[table] ?? 0) + 1;
      return 'skip';
    }
    const pending = this.inFlight.get(`${digest} ${table}`);
    if (pending) this.skipped[table] = (this.skipped[table] ?? 0) + 1;
    return pending ?? 'write';
  }

  /** Notes that `commit` carries the request's rows for `table`, until it settles. */
  track(digest: string, table: string, commit: Promise<void>): Promise<void> {
    const key = `${digest} ${table}`;
    this.inFlight.set(key, commit);
    const done = () => {
      if (this.inFlight.get(key) === commit) this.inFlight.delete(key);
    };
    commit.then(done, done);
    return commit;
  }

  /**
   * The batchers' sink: spools the block, inserts it under its token, and marks its
   * requests committed. `spooled` is called once the block is written down: from then on a
   * failed insert is retried from the spool until it succeeds, and a crash is finished by
   * the restart, so with `--ack-after spool` the batcher answers there.
   */
  async write(
    block: NativeBlock,
    digests: readonly string[],
    insert: InsertBlock,
    spooled?: () => void,
  ): Promise<void> {
    const token = randomBytes(16).toString('hex');
    const columns = block.columnNames();
    const bytes = block.encode();
    const entry = await this.spool.write(block.table, columns, bytes, token, digests);
    const done = insert(block.table, columns, bytes, block.rows, dedupSettings(token)).then(
      () => this.committed(entry),
      (err: unknown) => {
        this.doubt(entry);
        throw err;
      },
    );
    if (spooled) {
      // Answered before the insert: a resend meanwhile (a lost answer) waits for this
      // insert, as one does for an unanswered request, instead of writing its rows again.
      for (const d of digests) this.holdUntil(`${d} ${block.table}`, done);
      spooled();
    }
    await done;
  }

  private holdUntil(key: string, done: Promise<void>): void {
    this.inFlight.set(key, done);
    const clear = () => {
      if (this.inFlight.get(key) === done) this.inFlight.delete(key);
    };
    done.then(clear, clear);
  }

  /** Records what is pending and stops the timers; blocks still failing stay spooled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of [this.recordTimer, this.retryTimer, this.refreshTimer]) clearTimeout(t);
    await this.recording;
    await this.record().catch(() => undefined);
  }

  private bit(table: string): number {
    const b = this.bits.get(table);
    if (b === undefined) throw new Error(`IngestDedup: unknown table ${table}`);
    return b;
  }

  private mark(digest: string, table: string, at: number): void {
    const b = this.bits.get(table);
    if (b !== undefined) this.window.add(digest, b, at);
  }

  private reinsert(entry: SpoolEntry): Promise<void> {
    return this.spool
      .read(entry)
      .then((bytes) =>
        this.opts.engine.insertNative(
          entry.table,
          entry.columns,
          [bytes],
          dedupSettings(entry.token),
        ),
      );
  }

  private committed(entry: SpoolEntry): void {
    const at = nowSeconds();
    for (const d of entry.digests) this.mark(d, entry.table, at);
    this.window.expire(at);
    this.toRecord.push(entry);
    this.scheduleRecord();
  }

  private scheduleRecord(): void {
    if (!this.recordTimer && !this.closed) {
      this.recordTimer = setTimeout(() => {
        this.recordTimer = undefined;
        this.recording = this.record().catch((err: unknown) => {
          this.opts.log.warn({ err }, 'request digests not recorded; retrying');
        });
      }, this.opts.recordDelayMs ?? 1000);
      this.recordTimer.unref();
    }
  }

  /**
   * Writes the digests of committed blocks in one insert, then drops their spool files.
   * Until then a crash re-inserts those blocks at start (the engine skips them by token)
   * and records the digests there, so the acknowledgement need not wait for this insert.
   */
  private async record(): Promise<void> {
    const entries = this.toRecord;
    if (entries.length === 0) return;
    this.toRecord = [];
    const rows = entries.flatMap((e) => e.digests.map((digest) => ({ digest, table: e.table })));
    try {
      if (rows.length > 0) await insertDigests(this.opts.engine, rows);
    } catch (err) {
      this.toRecord.unshift(...entries);
      this.scheduleRecord();
      throw err;
    }
    await Promise.all(entries.map((e) => this.spool.remove(e)));
  }

  private doubt(entry: SpoolEntry): void {
    for (const d of entry.digests) this.doubtful.set(d, (this.doubtful.get(d) ?? 0) + 1);
    this.retrying.push(entry);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed || this.retrying.length === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retry();
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }

  /** Inserts the failed blocks again under their tokens (the engine keeps what committed). */
  private async retry(): Promise<void> {
    const entries = this.retrying;
    this.retrying = [];
    for (const entry of entries) {
      try {
        await this.reinsert(entry);
      } catch (err) {
        this.retrying.push(entry);
        this.opts.log.warn({ err, table: entry.table }, 'failed insert retried; failed again');
        continue;
      }
      this.recovered++;
      for (const d of entry.digests) {
        const n = (this.doubtful.get(d) ?? 1) - 1;
        if (n > 0) this.doubtful.set(d, n);
        else this.doubtful.delete(d);
      }
      this.committed(entry);
    }
    this.retryDelayMs = this.retrying.length > 0 ? Math.min(this.retryDelayMs * 2, 30_000) : 500;
    this.scheduleRetry();
  }

  /** Learns the digests other collectors on the same server recorded since the last look. */
  private refresh(): void {
    const since = this.lastRefresh - 5;
    this.lastRefresh = nowSeconds();
    findDigestsSince(this.opts.engine, since).then(
      (rows) => {
        for (const r of rows) this.mark(r.digest, r.table, r.time);
      },
      (err: unknown) => this.opts.log.warn({ err }, 'request digests not refreshed'),
    );
  }
}
