#!/usr/bin/env node
// `npm run bench -- copy-embedded [--batches 200]`: how long scripts/copy-embedded.mjs takes
// over a larger data dir (docs/scaling.md, "Moving from the embedded engine"). A collector on
// the embedded engine is fed BATCHES OTLP/JSON requests of 1,000 spans (half GenAI chats,
// half predictions with two features) and stopped with SIGTERM; a collector creates the
// schema on the ClickHouse HTTP fixture (test/fixtures/) and stops; the copy runs and prints
// one line per table. Prints the rows, the data dir's size and the copy's seconds; exits with
// the copy's status. Needs the collector built (`cd collector && npm run build`).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './lib/args.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = benchArgs('npm run bench -- copy-embedded', {
  options: { batches: { type: 'string', default: '200' } },
});
const BATCHES = Number(args.batches);
if (!Number.isInteger(BATCHES) || BATCHES < 1) throw new Error('--batches must be an integer ≥ 1');
const KEY = `ingest-${randomBytes(8).toString('hex')}`;
const env = { ...process.env, AIOBS_API_KEY: KEY, AIOBS_ADMIN_TOKEN: `admin-${KEY}` };
const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts a node process of the repo; `port` resolves on its `listening` JSON line. */
function start(argv, extraEnv = {}) {
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  const port = new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      try {
        const m = JSON.parse(l);
        if (m.msg === 'listening') res(m.port);
      } catch {
        // not a JSON line
      }
    });
    child.once('exit', (code) => rej(new Error(`${argv[0]} exited with ${code}`)));
  });
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(code ?? sig)));
  return { child, port, exited };
}

const s = (key, v) => ({ key, value: { stringValue: v } });
const int = (key, v) => ({ key, value: { intValue: String(v) } });

/** Request `b`: 1,000 spans spread over the last hour. */
function batch(b, now) {
  const spans = Array.from({ length: 1000 }, (_, j) => {
    const i = b * 1000 + j;
    const t = BigInt(now - 3_600_000 + Math.floor((i * 3_000_000) / (BATCHES * 1000))) * 1_000_000n;
    const chat = i % 2 === 0;
    return {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      name: chat ? 'chat bench-llm' : 'predict bench-clf',
      kind: 3,
      startTimeUnixNano: String(t),
      endTimeUnixNano: String(t + 250_000_000n),
      attributes: chat
        ? [
            s('gen_ai.operation.name', 'chat'),
            s('gen_ai.request.model', 'bench-llm'),
            s('aiobs.model.version', i % 4 ? 'v1' : 'v2'),
            int('gen_ai.usage.input_tokens', 100 + (i % 50)),
            int('gen_ai.usage.output_tokens', 20 + (i % 30)),
          ]
        : [
            s('gen_ai.operation.name', 'predict'),
            s('gen_ai.request.model', 'bench-clf'),
            s('aiobs.model.version', 'v1'),
            s('aiobs.prediction.id', `p-${i}`),
            s('aiobs.prediction.label', i % 3 ? 'ok' : 'fraud'),
            { key: 'aiobs.feature.amount', value: { doubleValue: (i * 0.618) % 100 } },
            s('aiobs.feature.country', ['de', 'fr', 'us'][i % 3]),
          ],
    };
  });
  return JSON.stringify({
    resourceSpans: [
      { resource: { attributes: [s('service.name', 'bench-svc')] }, scopeSpans: [{ spans }] },
    ],
  });
}

const src = mkdtempSync(join(tmpdir(), 'aiobs-bench-copy-src-'));
const fxDir = mkdtempSync(join(tmpdir(), 'aiobs-bench-copy-ch-'));
let status = 1;
try {
  const c = start([
    'collector/dist/main.js',
    '--port',
    '0',
    '--grpc-port',
    'off',
    '--data-dir',
    src,
  ]);
  const port = await c.port;
  const now = Date.now();
  for (let b = 0; b < BATCHES; b++) {
    const r = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: batch(b, now),
    });
    if (r.status !== 200) throw new Error(`request ${b}: ${r.status} ${await r.text()}`);
  }
  c.child.kill('SIGTERM');
  if ((await c.exited) !== 0) throw new Error('the embedded collector did not exit 0');
  const size = execFileSync('du', ['-sh', join(src, 'clickhouse')])
    .toString()
    .split('\t')[0];
  console.log(`source: ${BATCHES * 1000} spans, ${size} on disk`);

  const fx = start(['test/fixtures/clickhouse-http-server.mjs', '--data-dir', fxDir]);
  const url = `http://127.0.0.1:${await fx.port}`;
  const schema = start(
    [
      'collector/dist/main.js',
      '--port',
      '0',
      '--grpc-port',
      'off',
      '--data-dir',
      join(fxDir, 'schema'),
    ],
    { CLICKHOUSE_URL: url },
  );
  await schema.port;
  schema.child.kill('SIGTERM');
  if ((await schema.exited) !== 0) throw new Error('the schema run did not exit 0');

  const t0 = performance.now();
  const copy = spawn(
    process.execPath,
    ['scripts/copy-embedded.mjs', '--data-dir', src, '--url', url],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.add(copy);
  let rows = 0;
  let tables = 0;
  createInterface({ input: copy.stdout }).on('line', (l) => {
    console.log(l);
    const m = /^(?:ok {2}|DIFF) \w+: (\d+) rows/.exec(l);
    if (m) {
      rows += Number(m[1]);
      tables++;
    }
  });
  status = await new Promise((r) => copy.once('exit', (code) => r(code ?? 1)));
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`copy: exit ${status}, ${rows} rows in ${tables} tables, ${secs} s`);
  fx.child.kill('SIGTERM');
  await fx.exited;
} finally {
  rmSync(src, { recursive: true, force: true });
  rmSync(fxDir, { recursive: true, force: true });
}
process.exit(status);
