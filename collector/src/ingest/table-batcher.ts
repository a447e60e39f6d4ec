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
}

/** Writes one sealed block to the engine; resolves once the engine acknowledged it. */
export type BlockSink = (block: NativeBlock) => Promise<void>;

interface Waiter {
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
  private firstRowAt = 0;
  private idle: (() => void)[] = [];
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

  /** The block the next request decodes into. */
  block(): B {
    return this.current;
  }

  /** Bytes held by this table: the filling block plus the one being inserted. */
  pendingBytes(): number {
    return this.current.size() + (this.flushing ? this.flushing.size() : 0);
  }

  /** Resolves once the rows just appended to `block()` are committed by the engine. */
  commit(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    const b = this.current;
    if (this.firstRowAt === 0) this.firstRowAt = Date.now();
    if (b.rows >= this.policy.maxRows || b.size() >= this.policy.maxBytes) this.flush();
    else if (!this.timer && !this.flushing) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.policy.maxDelayMs);
    }
    return p;
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
    this.current = this.spare ?? this.create();
    this.spare = undefined;
    this.waiters = [];
    this.firstRowAt = 0;
    this.flushing = block;
    const rows = block.rows;
    this.write(block).then(
      () => {
        this.rowsWritten += rows;
        this.inserts++;
        for (const w of waiters) w.resolve();
        this.finish(block);
      },
      (err: unknown) => {
        this.failures++;
        this.log.error({ err, table: block.table, rows }, 'insert failed; requests answered 503');
        for (const w of waiters) w.reject(err);
        this.finish(block);
      },
    );
  }

  private finish(block: B): void {
    block.reset();
    this.spare = block;
    this.flushing = undefined;
    if (this.current.rows > 0) {
      // Rows that arrived during the insert have waited at least that long already.
      const due =
        this.current.rows >= this.policy.maxRows ||
        this.current.size() >= this.policy.maxBytes ||
        Date.now() - this.firstRowAt >= this.policy.maxDelayMs;
      if (due) this.flush();
      else if (!this.timer)
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.flush();
          },
          Math.max(0, this.policy.maxDelayMs - (Date.now() - this.firstRowAt)),
        );
    } else {
      for (const f of this.idle.splice(0)) f();
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
