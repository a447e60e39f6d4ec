import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, type RunningCollector, startCollector } from './helpers/collector.js';

/** Runs a command to its end and returns its exit code and output (bounded by `timeoutMs`). */
function run(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const collectorMain = join(REPO_ROOT, 'collector', 'dist', 'main.js');

describe('a second collector while one runs', () => {
  let first: RunningCollector;
  const dirs: string[] = [];
  beforeAll(async () => {
    first = await startCollector();
  });
  afterAll(async () => {
    await first?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('on the same port: exits 2 and says another aiobs collector holds it, with its pid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiobs-second-'));
    dirs.push(dir);
    const { code, out } = await run([
      collectorMain,
      '--port',
      String(first.port),
      '--host',
      '127.0.0.1',
      '--grpc-port',
      '0',
      '--data-dir',
      dir,
    ]);
    expect(code).toBe(2);
    expect(out).toContain(`port ${first.port} is already in use by another aiobs collector`);
    expect(out).toContain(`pid ${first.pid}`);
    expect(out).toContain('--port');
    // Refused before the engine opened: nothing was created in its data dir.
    expect(existsSync(join(dir, 'clickhouse'))).toBe(false);
  });

  test('on the same data dir: exits 2 naming the dir, and the first keeps its data', async () => {
    const before = await first.api<{ status: string }>('/api/v1/health');
    expect(before.status).toBe('ok');
    const { code, out } = await run([
      collectorMain,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--grpc-port',
      '0',
      '--data-dir',
      first.dataDir,
    ]);
    expect(code).toBe(2);
    expect(out).toContain(`the data dir ${first.dataDir} is in use by another aiobs collector`);
    expect(out).not.toContain('    at '); // one line to act on, not a stack trace
    // The refused start must not have touched the running collector's spool or engine.
    expect(existsSync(join(first.dataDir, 'spool'))).toBe(true);
    const after = await first.api<{ status: string }>('/api/v1/health');
    expect(after.status).toBe('ok');
  });
});

describe('npm start', () => {
  test('prints where the dashboard, the credentials and the OTLP endpoints are, and stops cleanly on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiobs-start-'));
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'scripts', 'start.mjs'),
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--grpc-port',
        '0',
        '--data-dir',
        dir,
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, AIOBS_NO_AGENT: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const banner = new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        out += d;
        if (out.includes('Stop with Ctrl-C.')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await Promise.race([
        banner,
        exited.then(() => {
          throw new Error(`npm start exited early: ${out}`);
        }),
      ]);
      const port = /dashboard\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1];
      expect(port).toBeDefined();
      expect(out).toContain(join(dir, 'credentials.json'));
      expect(out).toMatch(/OTLP\/HTTP\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/OTLP\/gRPC\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toContain('npm run demo');
      // Nothing alarming on a first start.
      expect(out).not.toMatch(/"level":(40|50|60)/);
      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      expect(health.status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      // The collector child is gone too: its port no longer answers.
      await expect(fetch(`http://127.0.0.1:${port}/api/v1/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
