import type { Logger } from '../logger.js';
import type { NativeBlock } from '../storage/native/block.js';

/** Flush policy of one table's batches. */
export interface BatchPolicy {
  /** Rows that trigger a flush. */
  maxRows: number;
  /** Encoded bytes that trigger a flush. */
  maxBytes: number;
  /** Longest a row waits before its batch is flushed anyway. */
  maxDelayMs: number;
  /**
   * Answer requests once the sink says their block is spooled rather than once it is
   * inserted (`--ack-after spool`); a sink that never says so answers after the insert.
   */
  ackOnSpool?: boolean;
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
  private timer: NodeJS.Timeout | undefined;
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
    return this.current.size() + (this.flushing ? this.flushing.size() : 0);
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
   * Inserts start at most every `maxDelayMs` per table: an idle table flushes a new row
   * at once, a busy one gathers the rows of every request that arrives meanwhile into
   * the next insert. Rows therefore wait at most `maxDelayMs` plus one insert.
   */
  private schedule(): void {
    if (this.timer || this.flushing || this.current.rows === 0) return;
    // The leader's next insert takes these rows along.
    if (this.leader?.busy()) return;
    const wait = this.lastFlushAt + this.policy.maxDelayMs - performance.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
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
    this.write(block, tags, this.policy.ackOnSpool ? answer : undefined).then(
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
