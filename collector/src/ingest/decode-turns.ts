/** Turns get this many times the rest of the iteration while they wait. */
const SHARE = 3;
/** Longest one iteration decodes, however long the rest took. */
const MAX_SLICE_MS = 100;

/**
 * Runs the write path's synchronous work (decoding a request into the batches, writing it
 * to the WAL) in turns, oldest first, for a bounded slice of each event-loop iteration.
 *
 * Why: a body completes in a socket's read callback, and decoding it there ran the decode
 * inside the poll phase, so one iteration decoded every body that completed in it. Under
 * overload that made iterations last up to a second, and libuv (1.45 and later) accepts
 * one connection per iteration: new connections waited in the listen queue for tens of
 * seconds, neither answered nor refused (docs/benchmarks.md, "Overload and soak", session
 * 42). In turns, each iteration reads sockets, accepts, runs timers and then decodes for
 * its slice: `sliceMs`, or while turns are left waiting SHARE times what the rest of the
 * iteration took (at most MAX_SLICE_MS), so that under overload the bodies already read
 * keep most of the thread; `sliceMs` again after an accept (`noteArrival`). What is left
 * waits for the next iteration, its bodies still charged to the write budget; admission
 * refuses new requests while the wait is long.
 *
 * `work` must not return a promise or thenable: the turn would wait for it. Wrap one in an
 * object (`() => ({ committed })`).
 */
export class DecodeTurns {
  private readonly queue: Array<() => void> = [];
  private scheduled = false;
  /** When the last pump left turns waiting: the rest of the iteration ran since. */
  private busySince: number | undefined;
  /** A connection was accepted since the last pump. */
  private arrived = false;
  /** Turns run so far, and the longest a turn waited for its start (self-metrics). */
  ran = 0;
  maxWaitMs = 0;
  /** How long the turn that started last had waited. */
  private lastWaitMs = 0;

  /**
   * @param sliceMs the shortest slice: what an iteration decodes when nothing else ran in it,
   *   and after an accept
   */
  constructor(private readonly sliceMs = 5) {}

  /** Turns waiting for an iteration. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Tells the turns that a connection was accepted (the server's `connection` event). libuv
   * accepts one per iteration, so a burst of new connections (a client pool opening hundreds
   * at once) drains from the listen queue only as fast as iterations go round: the next
   * slice is the shortest, `sliceMs`, and iterations stay short while connections arrive.
   */
  noteArrival(): void {
    this.arrived = true;
  }

  /**
   * How long a turn queued now can expect to wait: what the last one to start waited since
   * the queue last drained, or 0 when none is waiting. Admission refuses new requests while
   * it is past its limit, so the bodies already read are decoded before more are
   * (ingest/ingestor.ts, `admit`).
   */
  lagMs(): number {
    return this.queue.length === 0 ? 0 : this.lastWaitMs;
  }

  /**
   * Runs `work` (synchronous) in its turn and resolves or rejects with what it returned or
   * threw. A turn is never split: one call runs whole, however long it takes.
   */
  run<T>(work: () => T): Promise<T> {
    const queuedAt = performance.now();
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        const waited = performance.now() - queuedAt;
        this.lastWaitMs = waited;
        if (waited > this.maxWaitMs) this.maxWaitMs = waited;
        this.ran++;
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // The check phase: after this iteration's I/O (reads, accepts). An immediate queued
    // from inside a check phase runs in the next iteration, after its poll phase.
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    this.scheduled = false;
    const start = performance.now();
    // While turns are waiting, they get SHARE times what the rest of the iteration took
    // (reads, refusals, timers): under overload the bodies already read are decoded first,
    // and the iteration still ends, so accepts and timers keep their turn.
    const others = this.busySince === undefined || this.arrived ? 0 : start - this.busySince;
    this.arrived = false;
    const slice = Math.min(MAX_SLICE_MS, Math.max(this.sliceMs, SHARE * others));
    do {
      const next = this.queue.shift();
      if (!next) break;
      next();
    } while (performance.now() - start < slice);
    if (this.queue.length > 0) {
      this.busySince = performance.now();
      this.schedule();
    } else {
      this.busySince = undefined;
      // Caught up: a wait from before must not refuse the first requests of the next burst.
      this.lastWaitMs = 0;
    }
  };
}
