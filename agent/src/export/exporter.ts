import { gzip } from 'node:zlib';
import type { Logger } from '../logger.js';
import type { DiskQueue } from './disk-queue.js';
import { postBody, type SendResponse } from './http-send.js';
import { decodePartialSuccess } from './otlp-encode.js';
import { type BackoffPolicy, classify, DEFAULT_BACKOFF, type Verdict } from './retry-policy.js';

/** Timers the exporter schedules retries with; injectable so tests drive time themselves. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Options of {@link Exporter}. */
export interface ExporterOptions {
  /** Full metrics endpoint, e.g. `http://127.0.0.1:4318/v1/metrics`. */
  readonly url: string;
  /** Extra headers (Authorization, OTEL_EXPORTER_OTLP_HEADERS). */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly compression: 'gzip' | 'none';
  readonly queue: DiskQueue;
  readonly logger: Logger;
  readonly timers?: Timers;
  readonly now?: () => number;
  readonly backoff?: BackoffPolicy;
  /** Replay merges up to this many buffered requests into one (protobuf messages concatenate). */
  readonly replayBatchEntries?: number;
  readonly replayBatchBytes?: number;
  /** Transport; defaults to node:http. Tests can point it at a local server via `url` instead. */
  readonly send?: (
    url: URL,
    body: Uint8Array,
    headers: Record<string, string>,
    timeoutMs: number,
  ) => Promise<SendResponse>;
}

/** Counters the exporter keeps (logged at shutdown, printed by the benchmark). */
export interface ExporterStats {
  /** Requests the collector accepted. */
  sent: number;
  /** Collections written to the disk buffer. */
  buffered: number;
  /** Buffered requests delivered later. */
  replayed: number;
  /** Requests dropped: rejected as invalid, or pushed out by the buffer's limits. */
  dropped: number;
  /** Data points the collector reported as rejected (partial success). */
  rejectedPoints: number;
  failures: number;
}

/**
 * Sends encoded OTLP requests to the collector. While the collector is unreachable or
 * answers 429/5xx (or 401/403), requests go to the disk queue and are replayed oldest first
 * once it answers again, honouring Retry-After; new data queues behind them, so order is kept.
 * Requests the collector can never accept (400, 413, 415) are dropped with a warning.
 */
export class Exporter {
  readonly stats: ExporterStats = {
    sent: 0,
    buffered: 0,
    replayed: 0,
    dropped: 0,
    rejectedPoints: 0,
    failures: 0,
  };
  private readonly url: URL;
  private readonly timers: Timers;
  private readonly now: () => number;
  private busy = false;
  private retryHandle: unknown;
  private retryAt = 0;
  private attempt = 0;
  private holding = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ExporterOptions) {
    this.url = new URL(opts.url);
    this.timers = opts.timers ?? realTimers;
    this.now = opts.now ?? Date.now;
  }

  /** True while buffered data waits for the collector. */
  get backlog(): number {
    return this.opts.queue.length;
  }

  /**
   * Exports one encoded request. Sends it now if nothing is buffered, else appends it to the
   * buffer behind older data. Resolves once the request was sent or safely on disk.
   */
  export(body: Uint8Array, createdMs: number): Promise<void> {
    // One export at a time: a direct send that fails must reach the buffer before any later
    // collection does, or replay would reorder them.
    const run = this.chain.then(() => this.exportNow(body, createdMs));
    this.chain = run.catch(() => {});
    return run;
  }

  private async exportNow(body: Uint8Array, createdMs: number): Promise<void> {
    if (this.busy || this.opts.queue.length > 0 || this.retryHandle !== undefined || this.stopped) {
      await this.buffer(body, createdMs);
      this.kick();
      return;
    }
    this.busy = true;
    try {
      const verdict = await this.send(body, 1);
      if (verdict.kind === 'retry' || verdict.kind === 'hold') {
        await this.buffer(body, createdMs);
        this.scheduleRetry(verdict);
      }
    } finally {
      this.busy = false;
      this.notifyIdle();
    }
    if (this.opts.queue.length > 0 && this.retryHandle === undefined) this.kick();
  }

  /**
   * Tries to deliver everything buffered before `deadlineMs` (used on SIGTERM), ignoring the
   * retry timer once: whatever still cannot be sent stays on disk for the next start.
   */
  async flush(deadlineMs: number): Promise<void> {
    await Promise.race([
      this.chain,
      new Promise((r) => setTimeout(r, Math.max(0, deadlineMs - this.now())).unref()),
    ]);
    await this.whenIdle(deadlineMs);
    if (this.retryHandle !== undefined) {
      this.timers.clearTimeout(this.retryHandle);
      this.retryHandle = undefined;
    }
    this.busy = true;
    try {
      while (this.opts.queue.length > 0 && this.now() < deadlineMs) {
        const ok = await this.drainOnce(
          Math.max(100, Math.min(this.opts.timeoutMs, deadlineMs - this.now())),
        );
        if (!ok) break;
      }
    } finally {
      this.busy = false;
      this.notifyIdle();
    }
  }

  /** Starts replaying what a previous run left in the buffer. */
  replayBuffered(): void {
    if (this.opts.queue.length > 0) this.kick();
  }

  /** Stops retry timers; buffered data stays on disk. */
  stop(): void {
    this.stopped = true;
    if (this.retryHandle !== undefined) this.timers.clearTimeout(this.retryHandle);
    this.retryHandle = undefined;
  }

  private async buffer(body: Uint8Array, createdMs: number): Promise<void> {
    const dropped = await this.opts.queue.append(body, createdMs);
    this.stats.buffered++;
    if (dropped.entries > 0) {
      this.stats.dropped += dropped.entries;
      this.opts.logger.warn('disk buffer full: dropped the oldest data', {
        droppedRequests: dropped.entries,
        droppedBytes: dropped.bytes,
        maxBytes: this.opts.queue.limits.maxBytes,
      });
    }
    this.opts.logger.debug('buffered', {
      buffered: this.opts.queue.length,
      bytes: this.opts.queue.bytes,
    });
  }

  /** Starts draining unless a drain or send is running or a retry is scheduled. */
  private kick(): void {
    if (this.busy || this.retryHandle !== undefined || this.stopped) return;
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.stopped && this.retryHandle === undefined) {
        if (!(await this.drainOnce(this.opts.timeoutMs))) break;
      }
    } finally {
      this.busy = false;
      this.notifyIdle();
    }
  }

  /** Sends the oldest buffered requests as one; false when nothing was left or it failed. */
  private async drainOnce(timeoutMs: number): Promise<boolean> {
    const q = this.opts.queue;
    const expired = await q.dropExpired(this.now());
    if (expired.entries > 0) {
      this.stats.dropped += expired.entries;
      this.opts.logger.warn('buffered data older than the age limit dropped', {
        droppedRequests: expired.entries,
        maxAgeMs: q.limits.maxAgeMs,
      });
    }
    const batch = q.head(this.opts.replayBatchEntries ?? 20, this.opts.replayBatchBytes ?? 1 << 20);
    if (batch.length === 0) return false;
    // Serialized protobuf messages of one type concatenate into their merge: several
    // buffered ExportMetricsServiceRequests form one request with all their data.
    const bodies = await Promise.all(batch.map((e) => q.read(e)));
    const verdict = await this.send(Buffer.concat(bodies), batch.length, timeoutMs);
    if (verdict.kind === 'retry' || verdict.kind === 'hold') {
      this.scheduleRetry(verdict);
      return false;
    }
    for (const e of batch) await q.remove(e);
    if (verdict.kind === 'ok') {
      this.stats.replayed += batch.length;
      if (q.length === 0)
        this.opts.logger.info('buffer drained: collector caught up', {
          replayed: this.stats.replayed,
        });
    } else this.stats.dropped += batch.length;
    return true;
  }

  private async send(
    body: Uint8Array,
    requests: number,
    timeoutMs = this.opts.timeoutMs,
  ): Promise<Verdict> {
    const headers: Record<string, string> = {
      ...this.opts.headers,
      'content-type': 'application/x-protobuf',
    };
    let payload = body;
    if (this.opts.compression === 'gzip') {
      payload = await new Promise<Buffer>((res, rej) =>
        gzip(body, (e, out) => (e ? rej(e) : res(out))),
      );
      headers['content-encoding'] = 'gzip';
    }
    const send = this.opts.send ?? postBody;
    const res = await send(this.url, payload, headers, timeoutMs);
    const verdict = classify(
      res.status,
      res.retryAfter,
      this.attempt,
      this.now(),
      this.opts.backoff ?? DEFAULT_BACKOFF,
    );
    const log = this.opts.logger;
    switch (verdict.kind) {
      case 'ok': {
        if (this.attempt > 0 || this.holding)
          log.info('collector reachable again', { afterFailures: this.attempt });
        this.attempt = 0;
        this.holding = false;
        this.stats.sent++;
        if (res.bodyError)
          log.warn('collector answer body ignored; the data was accepted', {
            status: res.status,
            reason: res.bodyError,
          });
        const ps = decodePartialSuccess(res.body);
        if (ps) {
          this.stats.rejectedPoints += ps.rejectedDataPoints;
          // The message is the collector's text: keep log lines short whatever it sends.
          log.warn('collector rejected some data points', {
            rejectedDataPoints: ps.rejectedDataPoints,
            errorMessage: ps.errorMessage.slice(0, 300),
          });
        }
        log.debug('export ok', { status: res.status, bytes: payload.length, requests });
        break;
      }
      case 'retry':
        this.stats.failures++;
        if (this.attempt === 0) {
          log.warn('collector unavailable; buffering on disk', {
            status: res.status,
            error: res.error,
            retryAfter: res.retryAfter,
            retryInMs: verdict.delayMs,
          });
        } else
          log.debug('export retry failed', {
            status: res.status,
            error: res.error,
            retryInMs: verdict.delayMs,
          });
        this.attempt++;
        break;
      case 'hold':
        this.stats.failures++;
        if (!this.holding) {
          log.error('collector refused the API key; keeping data on disk until it is fixed', {
            status: res.status,
            url: this.url.href,
          });
        }
        this.holding = true;
        this.attempt++;
        break;
      case 'drop':
        this.stats.failures++;
        log.warn('collector rejected the request; dropping it (not retryable)', {
          status: res.status,
          body: Buffer.from(res.body).toString('utf8').slice(0, 300),
          requests,
        });
        if (requests === 1) this.stats.dropped++;
        break;
    }
    return verdict;
  }

  private scheduleRetry(v: Extract<Verdict, { delayMs: number }>): void {
    if (this.stopped) return;
    if (this.retryHandle !== undefined) this.timers.clearTimeout(this.retryHandle);
    this.retryAt = this.now() + v.delayMs;
    this.retryHandle = this.timers.setTimeout(() => {
      this.retryHandle = undefined;
      this.kick();
    }, v.delayMs);
  }

  /** When the next retry is due (Unix ms), if one is scheduled. */
  get nextRetryAt(): number | undefined {
    return this.retryHandle === undefined ? undefined : this.retryAt;
  }

  private whenIdle(deadlineMs: number): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((res) => {
      this.idleWaiters.push(res);
      const t = setTimeout(res, Math.max(0, deadlineMs - this.now()));
      t.unref();
    });
  }

  private notifyIdle(): void {
    const w = this.idleWaiters.splice(0);
    for (const f of w) f();
  }
}
