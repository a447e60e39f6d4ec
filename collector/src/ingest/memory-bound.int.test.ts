import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { type RunningCollector, startCollector } from '../server.js';
import { memoryBound, minMaxRssBytes } from './memory-bound.js';

/*
 * The memory bound in a real collector (this test process, with its embedded engine): the
 * engine starts with its share as `max_server_memory_usage`, and while the process's RSS is
 * near the bound, OTLP requests get 503 + Retry-After unless the write path is idle. RSS is
 * raised by a worker thread holding touched buffers, and lowered by ending the worker.
 */
const MiB = 1024 * 1024;
const PENDING = MiB;
const BOUND = minMaxRssBytes(PENDING);
const bound = memoryBound(BOUND, PENDING, undefined)!;
const dir = mkdtempSync(join(tmpdir(), 'aiobs-memory-bound-'));
let c: RunningCollector;
let creds: { apiKey: string; adminToken: string };

beforeAll(async () => {
  const config = loadConfig(
    {
      port: 0,
      grpcPort: 'off',
      host: '127.0.0.1',
      dataDir: dir,
      maxPendingBytes: PENDING,
      maxRssBytes: BOUND,
      // Answers after the insert, so the write path is idle again when an answer arrives.
      ackAfter: 'insert',
    },
    {},
  );
  c = await startCollector(config, {
    log: pino({ level: 'silent' }),
    credentialsOutput: { interactive: true, write: () => {} },
  });
  creds = JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'));
});
afterAll(async () => {
  await c?.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function exportBody(): Buffer {
  const id = (++seq).toString(16).padStart(16, '0');
  const now = BigInt(Date.now()) * 1_000_000n;
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'mem' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: `${id}${id}`,
                  spanId: id,
                  name: 'bounded',
                  startTimeUnixNano: String(now),
                  endTimeUnixNano: String(now + 1_000_000n),
                },
              ],
            },
          ],
        },
      ],
    }),
  );
}

function post(body = exportBody()) {
  return fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${creds.apiKey}`, 'content-type': 'application/json' },
    body,
  });
}

/** An export whose body stops half way: it holds a reservation of the write path until `finish`. */
async function slowExport() {
  const body = exportBody();
  const req = http.request(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${creds.apiKey}`,
      'content-type': 'application/json',
      'content-length': String(body.length),
    },
  });
  const answered = once(req, 'response').then(([res]) => {
    res.resume();
    return (res as http.IncomingMessage).statusCode;
  });
  req.write(body.subarray(0, body.length >> 1));
  await until(async () => (await metric('aiobs_ingest_reserved_bytes')) > 0);
  return {
    finish() {
      req.end(body.subarray(body.length >> 1));
      return answered;
    },
  };
}

async function metric(name: string): Promise<number> {
  const text = await (
    await fetch(`${c.url}/metrics`, { headers: { authorization: `Bearer ${creds.adminToken}` } })
  ).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/** Polls `cond` until it holds, for at most 15 s. */
async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 15 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A worker holding `bytes` of written buffers: they count in this process's RSS. */
async function ballast(bytes: number): Promise<Worker> {
  const w = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const held = [];
     for (let n = 0; n < workerData; n += 16 << 20) held.push(Buffer.allocUnsafe(16 << 20).fill(1));
     parentPort.postMessage(held.length);
     setInterval(() => held.length, 60_000);`,
    { eval: true, workerData: bytes },
  );
  await once(w, 'message');
  return w;
}

describe('--max-rss-bytes', () => {
  test('the embedded engine runs with its share of the bound as its own limit', async () => {
    const rs = await c.engine.client.query({
      query: "SELECT getServerSetting('max_server_memory_usage') AS v",
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ v: string }>();
    expect(Number(row?.v)).toBe(bound.engineBytes);
    expect(await metric('aiobs_memory_bound_bytes')).toBe(BOUND);
    expect(await metric('aiobs_engine_memory_bytes')).toBeGreaterThan(0);
    expect(await metric('process_resident_memory_bytes')).toBeGreaterThan(100 * MiB);
  });

  test('near the bound: 503 + Retry-After unless the write path is idle; below it again, requests get in', async () => {
    expect((await post()).status).toBe(200);
    const rss = process.memoryUsage.rss();
    expect(rss, 'the test starts below the bound').toBeLessThan(bound.admitBelow);
    const held = await ballast(bound.admitBelow - rss + 64 * MiB);
    expect(process.memoryUsage.rss()).toBeGreaterThanOrEqual(bound.admitBelow);

    // Idle write path: the memory is not ingest's, so a request still gets in.
    expect((await post()).status).toBe(200);

    const slow = await slowExport();
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const { message } = (await refused.json()) as { message: string };
    expect(message).toMatch(/memory bound \(RSS \d+ MiB of \d+ MiB, --max-rss-bytes\)/);
    expect(await slow.finish()).toBe(200);
    expect(await metric('aiobs_ingest_memory_refused_total')).toBe(1);

    await held.terminate();
    await until(() => process.memoryUsage.rss() < bound.admitBelow);
    const slow2 = await slowExport();
    expect((await post()).status).toBe(200);
    expect(await slow2.finish()).toBe(200);
    expect(await metric('aiobs_ingest_memory_refused_total')).toBe(1);
  });
});
