import type { Logger } from '../logger.js';
import type { NativeBlock } from '../storage/native/block.js';

/** Flush policy of one table's batches. */
export interface BatchPolicy {
  /** Rows that trigger a flush. */
  maxRows: number;
  /** Encoded bytes that trigger a flush. */
  maxBytes: number;
  /** Least time between two inserts while a request or a read waits for the next one. */
  maxDelayMs: number;
  /**
   * With `ackOnSpool`: least time between two inserts while nothing waits for the next one
   * (requests are answered from the request WAL, and their rows are spooled with the
   * block). Every insert has a fixed cost in the engine, a part per table and materialized
   * view, so at a moderate rate inserts of 100 ms of rows spent most of the engine's time
   * on it (docs/benchmarks.md, session 43); a read makes the next insert due after
   * `maxDelayMs` again. Defaults to `maxDelayMs`.
   */
  spoolDelayMs?: number;
  /**
   * Answer requests once the sink says their block is spooled rather than once it is
   * inserted (`--ack-after spool`); a sink that never says so answers after the insert.
   */
  ackOnSpool?: boolean;
  /**
   * With `ackOnSpool`: a spooled block's bytes stop counting as pending (`pendingBytes`), for
   * a sink whose engine has copied them by then (the embedded engine's insert file), so the
   * next block may fill while the insert runs.
   */
  releaseOnSpool?: boolean;
}

/**
 * Writes one sealed block to the engine; resolves once the engine acknowledged it. `tags`
 * holds the tag each request passed to `commit()` (the ingest dedup's request digests).
 * A sink that writes the block down before inserting it calls `spooled` then: from there
 * the block's rows survive a failed insert and a crash.
 */
export type BlockSink = (
  block: NativeBlock,
  tags: readonly string[],
  spooled?: () => void,
) => Promise<void>;

/** Largest block kept for reuse after its insert. */
const SPARE_BLOCK_MAX_BYTES = 64 * 1024 * 1024;

interface Waiter {
  tag: string | undefined;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit for one table. Requests decode their rows into `block()` (synchronously,
 * so no flush can interleave), then await `commit()`, which settles once the insert that
 * carried their rows has been acknowledged by the engine. One insert per table is in
 * flight at a time; rows arriving meanwhile accumulate into the next block, so under load
 * batches grow by themselves and the engine sees few, large inserts.
 */
export class TableBatcher<B extends NativeBlock> {
  private current: B;
  private spare: B | undefined;
  private waiters: Waiter[] = [];
  private flushing: B | undefined;
  /** Whether the running insert's block still counts as pending (see `releaseOnSpool`). */
  private flushingCounted = false;
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (`performance.now()` time). */
  private timerDue = 0;
  private lastFlushAt = -Infinity;
  private idle: (() => void)[] = [];
  /** Told when the filling block's insert ends, and when the running one's does. */
  private written: (() => void)[] = [];
  private writtenFlushing: (() => void)[] = [];
  private leader: TableBatcher<NativeBlock> | undefined;
  private readonly followers: TableBatcher<NativeBlock>[] = [];
  /** Rows and inserts acknowledged so far (self-metrics). */
  rowsWritten = 0;
  inserts = 0;
  failures = 0;

  constructor(
    private readonly create: () => B,
    private readonly write: BlockSink,
    private readonly policy: BatchPolicy,
    private readonly log: Logger,
  ) {
    this.current = create();
  }

  /**
   * Inserts this table's rows together with `leader`'s: whenever the leader starts an
   * insert, this table starts one with what it holds, and it does not start one of its own
   * while the leader holds rows or has an insert running (that insert's end starts the next
   * pair). For a table whose rows come with the leader's in the same requests (feature rows
   * with their spans): an acknowledgement waits for both inserts anyway, and the follower's
   * own cadence would add inserts, each with the engine's fixed cost, without answering
   * any request sooner.
   */
  follow(leader: TableBatcher<NativeBlock>): void {
    this.leader = leader;
    leader.followers.push(this as unknown as TableBatcher<NativeBlock>);
  }

  /**
   * Starts this table's insert timer if its rows are no longer held for the leader's next
   * insert (call after rows were rolled back from the leader's block).
   */
  nudge(): void {
    this.schedule();
  }

  /** True while rows are waiting or an insert is running. */
  busy(): boolean {
    return this.flushing !== undefined || this.current.rows > 0;
  }

  /**
   * Resolves once every row appended so far has been through its insert: inserted, or
   * refused by the engine (answered rows are then the spool's to retry). Unlike
   * `commit()`, it waits for the insert itself under `ackOnSpool` too.
   */
  inserted(): Promise<void> {
    if (this.current.rows > 0) {
      const p = new Promise<void>((r) => this.written.push(r));
      // Due after `maxDelayMs` now, sooner than the spool's delay.
      this.schedule();
      return p;
    }
    if (this.flushing) return new Promise<void>((r) => this.writtenFlushing.push(r));
    return Promise.resolve();
  }

  /** The block the next request decodes into. */
  block(): B {
    return this.current;
  }

  /** Bytes held by this table: the filling block plus the one being inserted. */
  pendingBytes(): number {
    const flushing = this.flushing && this.flushingCounted ? this.flushing.size() : 0;
    return this.current.size() + flushing;
  }

  /**
   * Resolves once the rows just appended to `block()` are committed by the engine. `tag`
   * (a request digest) is handed to the sink with the block that carries the rows.
   */
  commit(tag?: string): Promise<void> {
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ tag, resolve, reject }));
    const b = this.current;
    if (b.rows >= this.policy.maxRows || b.size() >= this.policy.maxBytes) this.flush();
    else this.schedule();
    return p;
  }

  /**
   * Inserts start at most every `maxDelayMs` per table (`spoolDelayMs` while nothing waits
   * for them): an idle table flushes a new row at once, a busy one gathers the rows of
   * every request that arrives meanwhile into the next insert. Rows therefore wait at most
   * that delay plus one insert.
   */
  private schedule(): void {
    if (this.flushing || this.current.rows === 0) return;
    // The leader's next insert takes these rows along.
    if (this.leader?.busy()) return;
    const due = this.lastFlushAt + this.delayMs();
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const wait = due - performance.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** The least time between this table's inserts now. */
  private delayMs(): number {
    const { maxDelayMs, spoolDelayMs, ackOnSpool } = this.policy;
    // Answers wait for the insert (no spool), or a read waits for these rows.
    if (!ackOnSpool || spoolDelayMs === undefined || this.written.length > 0) return maxDelayMs;
    return Math.max(maxDelayMs, spoolDelayMs);
  }

  /** Starts an insert of the filling block unless one is already running. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.flushing || this.current.rows === 0) return;
    const block = this.current;
    const waiters = this.waiters;
    const written = this.written;
    this.current = this.spare ?? this.create();
    this.spare = undefined;
    this.waiters = [];
    this.written = [];
    this.writtenFlushing = written;
    this.lastFlushAt = performance.now();
    this.flushing = block;
    this.flushingCounted = true;
    const rows = block.rows;
    const startedAt = performance.now();
    for (const f of this.followers) f.flush();
    const tags: string[] = [];
    for (const w of waiters) if (w.tag !== undefined) tags.push(w.tag);
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      for (const w of waiters) w.resolve();
    };
    const spooled = () => {
      if (this.policy.releaseOnSpool && this.flushing === block) this.flushingCounted = false;
      answer();
    };
    this.write(block, tags, this.policy.ackOnSpool ? spooled : undefined).then(
      () => {
        this.log.debug(
          {
            table: block.table,
            rows,
            bytes: block.size(),
            ms: Math.round(performance.now() - startedAt),
          },
          'batch inserted',
        );
        this.rowsWritten += rows;
        this.inserts++;
        answer();
        for (const r of written) r();
        this.finish(block);
      },
      (err: unknown) => {
        this.failures++;
        if (answered)
          this.log.error(
            { err, table: block.table, rows },
            'insert failed after its requests were answered; retried from the spool',
          );
        else {
          this.log.error({ err, table: block.table, rows }, 'insert failed; requests answered 503');
          for (const w of waiters) w.reject(err);
        }
        for (const r of written) r();
        this.finish(block);
      },
    );
  }

  private finish(block: B): void {
    // A block keeps the capacity it grew to; after a burst, let a large one go rather
    // than hold its memory while the table is quiet.
    const keep = block.size() <= SPARE_BLOCK_MAX_BYTES;
    block.reset();
    this.spare = keep ? block : undefined;
    this.flushing = undefined;
    const b = this.current;
    // A drain waits for rows that arrived during this insert: they go now, not after the delay.
    if (
      b.rows >= this.policy.maxRows ||
      b.size() >= this.policy.maxBytes ||
      (b.rows > 0 && this.idle.length > 0)
    )
      this.flush();
    else if (b.rows > 0) this.schedule();
    else {
      for (const f of this.idle.splice(0)) f();
      // Rows a follower held back for this insert's end, with none of ours to go with them
      // (a resend whose spans were stored and its feature rows not): they go on their own.
      for (const f of this.followers) f.schedule();
    }
  }

  /** Flushes everything pending and resolves when nothing is left in flight. */
  drain(): Promise<void> {
    if (!this.flushing && this.current.rows === 0) return Promise.resolve();
    const done = new Promise<void>((r) => this.idle.push(r));
    this.flush();
    return done;
  }
}
