import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type ClickHouseFixture, startClickHouse } from './clickhouse-server.js';

/** Repository root, resolved from this file so suites run from any cwd. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** A collector process started for a test, with the credentials it was seeded with. */
export interface RunningCollector {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly port: number;
  /** OTLP/gRPC port (the helper passes `--grpc-port 0`; undefined with `--grpc-port off`). */
  readonly grpcPort: number | undefined;
  /** Process id of the collector (e.g. to read its memory from `/proc/<pid>/status`). */
  readonly pid: number;
  readonly dataDir: string;
  /** Ingest key of the default project (`Authorization: Bearer <apiKey>`). */
  readonly apiKey: string;
  /** Admin token for the query API. */
  readonly adminToken: string;
  /** GET (or any method) on the API with the admin token; throws on a non-2xx answer. */
  api<T = unknown>(path: string, init?: RequestInit): Promise<T>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The ClickHouse HTTP fixture it stores in (with `clickhouse`, or AIOBS_TEST_STORE=server). */
  readonly clickhouse: ClickHouseFixture | undefined;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartCollectorOptions {
  /** Reuse a data dir (e.g. to restart on the same data); a fresh temp dir otherwise. */
  dataDir?: string;
  /** Port to listen on; 0 (default) lets the OS pick one. */
  port?: number;
  env?: Record<string, string>;
  args?: string[];
  apiKey?: string;
  adminToken?: string;
  /** Remove the data dir when the collector stops (default: only when it was created here). */
  cleanup?: boolean;
  /**
   * Store in this ClickHouse HTTP fixture (`CLICKHOUSE_URL`) instead of the embedded engine;
   * several collectors may share one. Without it, AIOBS_TEST_STORE=server starts a fixture
   * per collector, on a folder of its data dir (so a restart on that dir finds its data),
   * stopped with it.
   */
  clickhouse?: ClickHouseFixture;
}

/**
 * Starts `node collector/dist/main.js` as a child process and resolves once it logs that
 * it is listening (the collector logs `{"msg":"listening","port":N,"grpcPort":M}` as a
 * JSON line).
 *
 * @example
 * const c = await startCollector();
 * const health = await c.api('/api/v1/health');
 * await c.stop();
 */
export async function startCollector(opts: StartCollectorOptions = {}): Promise<RunningCollector> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'aiobs-e2e-'));
  const apiKey = opts.apiKey ?? `ingest-${Math.random().toString(36).slice(2)}`;
  const adminToken = opts.adminToken ?? `admin-${Math.random().toString(36).slice(2)}`;
  const ownStore =
    opts.clickhouse === undefined &&
    process.env.AIOBS_TEST_STORE === 'server' &&
    opts.env?.CLICKHOUSE_URL === undefined;
  const clickhouse = ownStore
    ? await startClickHouse({ dataDir: join(dataDir, 'clickhouse-server') })
    : opts.clickhouse;
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'collector', 'dist', 'main.js'),
      '--port',
      String(opts.port ?? 0),
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      // A free port each, so suites running in parallel never collide on 4317.
      '--grpc-port',
      '0',
      ...(opts.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        AIOBS_API_KEY: apiKey,
        AIOBS_ADMIN_TOKEN: adminToken,
        AIOBS_LOG_LEVEL: 'info',
        AIOBS_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        ...(clickhouse ? { CLICKHOUSE_URL: clickhouse.url } : {}),
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // A test that times out ends its worker process; take the collector down with it.
  const killChild = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killChild);
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const { port, grpcPort } = await waitForListening(child, (line) => {
    out += `${line}\n`;
  }).catch(async (err: unknown) => {
    if (ownStore) await clickhouse?.stop();
    throw err;
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return {
    url,
    port,
    grpcPort,
    pid: child.pid!,
    dataDir,
    apiKey,
    adminToken,
    clickhouse,
    output: () => out,
    async api<T>(path: string, init: RequestInit = {}): Promise<T> {
      const res = await fetch(url + path, {
        ...init,
        headers: { authorization: `Bearer ${adminToken}`, ...(init.headers ?? {}) },
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} -> ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      process.off('exit', killChild);
      if (ownStore) await clickhouse?.stop();
      if (opts.cleanup ?? ownDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

function waitForListening(
  child: ChildProcess,
  onLine: (l: string) => void,
): Promise<{ port: number; grpcPort: number | undefined }> {
  return new Promise((res, rej) => {
    const rl = createInterface({ input: child.stdout! });
    let found = false;
    rl.on('line', (line) => {
      onLine(line);
      if (found) return;
      try {
        const msg = JSON.parse(line) as { msg?: string; port?: number; grpcPort?: number };
        if (msg.msg === 'listening' && typeof msg.port === 'number') {
          found = true;
          res({ port: msg.port, grpcPort: msg.grpcPort });
        }
      } catch {
        // not a JSON log line (e.g. the one-time credentials banner)
      }
    });
    child.once('exit', (code) => {
      if (!found) rej(new Error(`collector exited with ${code} before listening`));
    });
  });
}
