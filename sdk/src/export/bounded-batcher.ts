import type { BatchConfig } from '../config.js';
import type { SignalCounters } from './signal-counters.js';

/**
 * A bounded export queue: items wait until a batch is full or `scheduledDelayMillis` passed,
 * then go out one batch at a time. Past `maxQueueSize` new items are dropped and counted,
 * and a batch the exporter fails (or that times out) is counted as dropped, so memory stays
 * bounded however long the collector is down. Timers are unref'd: the queue never keeps a
 * process alive. Nothing here throws or rejects.
 */
export class BoundedBatcher<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private tail: Promise<void> = Promise.resolve();
  private kickPending = false;
  private stopped = false;

  constructor(
    /** Sends one batch; resolves true when the receiver acknowledged it. */
    private readonly send: (batch: T[]) => Promise<boolean>,
    private readonly cfg: BatchConfig,
    readonly counters: SignalCounters,
  ) {
    counters.queued = () => this.queue.length;
  }

  add(item: T): void {
    if (this.stopped) return;
    if (this.queue.length >= this.cfg.maxQueueSize) {
      this.counters.droppedQueueFull++;
      return;
    }
    this.queue.push(item);
    if (this.queue.length >= this.cfg.maxExportBatchSize) void this.kick('full');
    else this.arm();
  }

  /** Exports everything queued so far; resolves when done (successfully or not). */
  flush(): Promise<void> {
    return this.kick('all');
  }

  /**
   * Gives up on what is still queued (counted as failed exports) and accepts nothing more:
   * used when a shutdown ran out of time with the collector unreachable.
   */
  abandon(): void {
    this.stopped = true;
    this.clearTimer();
    this.counters.droppedExportFailed += this.queue.length;
    this.queue = [];
  }

  /** Flushes, then accepts nothing more. */
  async shutdown(): Promise<void> {
    await this.flush();
    this.stopped = true;
    this.clearTimer();
  }

  private arm(): void {
    if (this.timer !== undefined || this.kickPending) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.kick('timer');
    }, this.cfg.scheduledDelayMillis);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private kick(mode: 'timer' | 'full' | 'all'): Promise<void> {
    this.clearTimer();
    if (mode !== 'all' && this.kickPending) return this.tail;
    if (mode !== 'all') this.kickPending = true;
    this.tail = this.tail
      .then(() => {
        if (mode !== 'all') this.kickPending = false;
        return this.run(mode);
      })
      .catch(() => {});
    return this.tail;
  }

  private async run(mode: 'timer' | 'full' | 'all'): Promise<void> {
    const size = this.cfg.maxExportBatchSize;
    do {
      const batch = this.queue.splice(0, size);
      if (batch.length === 0) break;
      await this.exportBatch(batch);
    } while (mode === 'all' ? this.queue.length > 0 : this.queue.length >= size);
    if (this.queue.length > 0 && !this.stopped) this.arm();
  }

  private async exportBatch(batch: T[]): Promise<void> {
    let ok = false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.cfg.exportTimeoutMillis);
        timer.unref();
      });
      ok = await Promise.race([this.send(batch).catch(() => false), timeout]);
    } catch {
      ok = false;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    if (ok) this.counters.exported += batch.length;
    else this.counters.droppedExportFailed += batch.length;
  }
}
