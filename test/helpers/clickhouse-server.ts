import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The fixture process: test/fixtures/clickhouse-http-server.mjs. */
export const CLICKHOUSE_FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'clickhouse-http-server.mjs');

/** Faults the fixture can be put into (each call replaces the previous one of its kind). */
export interface ClickHouseFaults {
  /** Closes the port: new connections are refused, open ones are cut. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  /** Waits `ms` before running every query (0 ends it). */
  slow(ms: number): Promise<void>;
  /**
   * Answers queries matching `match` (a case-insensitive regex; all when absent) with an
   * exception, by default 242 TABLE_IS_READ_ONLY.
   */
  fail(opts?: { match?: string; code?: number; message?: string; type?: string }): Promise<void>;
  /**
   * Destroys the connection of queries matching `match` without an answer: `before`
   * (default) running them, or `after` (the rows are in, the client never hears so).
   */
  cut(opts?: { match?: string; when?: 'before' | 'after' }): Promise<void>;
  /** Ends every fault. */
  reset(): Promise<void>;
  /** Request counters since start. */
  stats(): Promise<{
    requests: number;
    queries: number;
    inserts: number;
    insertedRows: number;
    failed: number;
    cut: number;
  }>;
}

/** A running fixture: a ClickHouse HTTP interface in front of an embedded engine. */
export interface ClickHouseFixture extends ClickHouseFaults {
  /** `http://127.0.0.1:<port>`: the value for `CLICKHOUSE_URL`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** Everything the process wrote so far. */
  output(): string;
  /** Stops the process (and removes its data dir when it was created here). */
  stop(): Promise<void>;
}

export interface StartClickHouseOptions {
  dataDir?: string;
  port?: number;
  user?: string;
  password?: string;
  /** Serve as a node of this one-shard cluster (for `CLICKHOUSE_CLUSTER`). */
  cluster?: string;
}

/**
 * Starts the fixture as a child process (IPC for the faults) and resolves once it listens.
 * Needs the collector built (`npx tsc -b collector`): it serves through the collector's
 * protocol code in collector/dist.
 *
 * @example
 * const ch = await startClickHouse();
 * const c = await startCollector({ clickhouse: ch });
 * await ch.pause(); // the store is down
 */
export async function startClickHouse(
  opts: StartClickHouseOptions = {},
): Promise<ClickHouseFixture> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'aiobs-ch-'));
  const child = fork(
    CLICKHOUSE_FIXTURE,
    [
      '--data-dir',
      dataDir,
      '--port',
      String(opts.port ?? 0),
      ...(opts.user ? ['--user', opts.user] : []),
      ...(opts.password ? ['--password', opts.password] : []),
      ...(opts.cluster ? ['--cluster', opts.cluster] : []),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  const killChild = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killChild);
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const port = await waitForPort(child, (l) => {
    out += `${l}\n`;
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let seq = 0;
  const pending = new Map<number, { ok(v: unknown): void; fail(e: Error): void }>();
  child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.ok(m.result);
    else p?.fail(new Error(m.error));
  });
  child.once('exit', () => {
    for (const p of pending.values()) p.fail(new Error(`fixture exited\n${out}`));
    pending.clear();
  });
  const send = <T = void>(cmd: string, args: object = {}): Promise<T> =>
    new Promise<T>((ok, fail) => {
      const id = ++seq;
      pending.set(id, { ok: ok as (v: unknown) => void, fail });
      child.send({ id, cmd, ...args });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    dataDir,
    output: () => out,
    pause: () => send('pause'),
    resume: () => send('resume'),
    slow: (ms) => send('slow', { ms }),
    fail: (o = {}) => send('fail', o),
    cut: (o = {}) => send('cut', o),
    reset: () => send('reset'),
    stats: () => send('stats'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      process.off('exit', killChild);
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitForPort(child: ChildProcess, onLine: (l: string) => void): Promise<number> {
  return new Promise((res, rej) => {
    const rl = createInterface({ input: child.stdout! });
    let found = false;
    rl.on('line', (line) => {
      onLine(line);
      if (found) return;
      try {
        const msg = JSON.parse(line) as { msg?: string; port?: number };
        if (msg.msg === 'listening' && typeof msg.port === 'number') {
          found = true;
          res(msg.port);
        }
      } catch {
        // not a JSON line
      }
    });
    child.once('exit', (code) => {
      if (!found) rej(new Error(`ClickHouse fixture exited with ${code} before listening`));
    });
  });
}
