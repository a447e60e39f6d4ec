// Starts the built collector as a child process for benchmarks and reads its RSS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `onLog(line)`, when given, sees every line the collector writes to stdout (its JSON log). */
/** `dist`, when given, is another build's collector/dist (to compare builds on one data dir). */
export async function startCollector({ dataDir, env = {}, args = [], onLog, dist }) {
  const apiKey = 'bench-ingest-key';
  const adminToken = 'bench-admin-token';
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []),
      join(dist ?? join(ROOT, 'collector', 'dist'), 'main.js'),
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      '--grpc-port',
      '0',
      ...args,
    ],
    {
      env: {
        ...process.env,
        AIOBS_API_KEY: apiKey,
        AIOBS_ADMIN_TOKEN: adminToken,
        AIOBS_LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const { port, grpcPort } = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      if (process.env.BENCH_VERBOSE) process.stderr.write(`${line}\n`);
      onLog?.(line);
      try {
        const m = JSON.parse(line);
        if (m.msg === 'listening') resolve({ port: m.port, grpcPort: m.grpcPort });
      } catch {}
    });
    child.once('exit', (c) => reject(new Error(`collector exited ${c}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    grpcPort,
    pid: child.pid,
    apiKey,
    adminToken,
    rssBytes() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    },
    cpuSeconds() {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    },
    async query(sql) {
      const res = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sql }),
      });
      if (!res.ok) throw new Error(`query failed: ${res.status} ${await res.text()}`);
      return (await res.json()).rows;
    },
    stop() {
      return new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    },
  };
}
