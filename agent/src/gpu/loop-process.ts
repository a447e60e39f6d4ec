import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

type Child = ChildProcessByStdio<null, Readable, Readable>;

import type { Logger } from '../logger.js';
import { killGroup } from './run-command.js';

/** Options of {@link LoopProcess}. */
export interface LoopProcessOptions {
  /** Name in logs, e.g. `nvidia-smi --query-gpu`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Called for every complete stdout line. */
  readonly onLine: (line: string, receivedAtMs: number) => void;
  /**
   * Output the tool must produce within this many ms after starting and between lines; a
   * process that stays silent longer is considered hung, killed and restarted.
   */
  readonly stallTimeoutMs: number;
  /** Called when the process exits; the reason decides whether a restart makes sense. */
  readonly onExit?: (code: number | null, output: string) => 'restart' | 'stop';
  readonly logger: Logger;
  /** First restart delay; doubles up to `maxBackoffMs`, back to this after a healthy minute. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Keeps one long-lived tool process running (`nvidia-smi ... -lms <interval>`) and feeds its
 * output line by line: each start of nvidia-smi costs tens of ms of CPU, so it is started
 * once and restarted only when it exits or hangs, with exponential backoff.
 */
export class LoopProcess {
  private child: Child | undefined;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private backoff: number;
  private startedAt = 0;
  private lastOutputAt = 0;
  private tail = '';
  private recent = '';
  /** Number of times the process was started (for logs and tests). */
  starts = 0;

  constructor(private readonly opts: LoopProcessOptions) {
    this.backoff = opts.backoffMs ?? 1000;
  }

  /** Pid of the running process, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Time (Unix ms) of the last line received, 0 if none yet. */
  get lastLineAt(): number {
    return this.lastOutputAt;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.spawn();
  }

  /** Stops the process (and any pending restart); resolves once it has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.stallTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((res) => child.once('close', () => res()));
    killGroup(child.pid, 'SIGTERM');
    const forced = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000);
    await Promise.race([exited, new Promise((res) => setTimeout(res, 3000))]);
    clearTimeout(forced);
  }

  private spawn(): void {
    const { opts } = this;
    this.starts++;
    this.tail = '';
    this.recent = '';
    this.startedAt = Date.now();
    const child = spawn(opts.command, opts.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: opts.env ?? process.env,
    });
    this.child = child;
    opts.logger.debug('started', { tool: opts.name, pid: child.pid, starts: this.starts });
    child.stdout.setEncoding('utf8').on('data', (d: string) => this.onData(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.recent = (this.recent + d).slice(-2000);
    });
    child.on('error', (err) => {
      opts.logger.warn('could not start tool', { tool: opts.name, error: err.message });
    });
    child.on('close', (code, signal) => this.onClose(child, code, signal));
    this.armStall();
  }

  private onData(chunk: string): void {
    const now = Date.now();
    this.lastOutputAt = now;
    // The tail is kept for the exit message only: trimmed when it doubles, not per chunk.
    this.recent += chunk;
    if (this.recent.length > 4000) this.recent = this.recent.slice(-2000);
    const text = this.tail + chunk;
    const lines = text.split('\n');
    this.tail = lines.pop() ?? '';
    for (const line of lines) this.opts.onLine(line, now);
    if (now - this.startedAt > 60_000) this.backoff = this.opts.backoffMs ?? 1000;
    // Re-arming the same timer is cheaper than a new one per chunk (three tools, every interval).
    if (this.stallTimer) this.stallTimer.refresh();
    else this.armStall();
  }

  private armStall(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    if (!Number.isFinite(this.opts.stallTimeoutMs)) return;
    this.stallTimer = setTimeout(() => {
      const child = this.child;
      this.opts.logger.warn('tool produced no output in time; killing it', {
        tool: this.opts.name,
        pid: child?.pid,
        silentMs: this.opts.stallTimeoutMs,
      });
      killGroup(child?.pid);
    }, this.opts.stallTimeoutMs);
    this.stallTimer.unref();
  }

  private onClose(child: Child, code: number | null, signal: string | null) {
    if (child !== this.child) return;
    clearTimeout(this.stallTimer);
    this.child = undefined;
    if (this.stopped) return;
    const output = this.recent.slice(-2000).trim();
    const decision = this.opts.onExit?.(code, output) ?? 'restart';
    if (decision === 'stop') {
      this.stopped = true;
      return;
    }
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 60_000);
    this.opts.logger.warn('tool exited; restarting', {
      tool: this.opts.name,
      code,
      signal,
      output: output.slice(-300),
      restartInMs: delay,
    });
    this.restartTimer = setTimeout(() => this.spawn(), delay);
    this.restartTimer.unref();
  }
}
