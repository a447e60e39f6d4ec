import { readFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';

/*
 * Issue 13, item 6 in about a minute (the 5-minute overload and 30-minute soak are
 * `npm run bench -- soak`, docs/benchmarks.md). The overload must be certain on an idle
 * machine and on a loaded 2-core CI box alike, so the collector's capacity is capped by its
 * configuration rather than by the machine: inserts into one table start at least
 * --batch-max-delay-ms (500 ms) apart, --max-pending-bytes (1 MiB) lets about 1 MiB of rows
 * wait for each, and every request decodes to more than 200 KB of rows (see `bodyFor`). At
 * most about (1 MiB + one request) per 0.5 s, some 12 requests/s, get in; 40 requests/s are
 * offered for 30 s, then 1 request/s for 30 s.
 */
const MiB = 1024 * 1024;
const PENDING = MiB;
const DELAY_MS = 500;
const SPANS = 10;
const OVERLOAD = { seconds: 30, perSecond: 40 };
const LOW = { seconds: 30, perSecond: 1 };
/**
 * What RSS may grow by, from the configuration: the rows the budget admits, their Native
 * copy for the insert and the block kept for reuse (a few x --max-pending-bytes, taken
 * 16 x), plus room for the engine's per-insert buffers, background merges and the JS heap
 * (measured: +54 MiB at 1 MiB of budget, load 30; bench/soak's 64 MiB budget peaked at
 * +223 MiB).
 */
const RSS_GROWTH_BOUND = 16 * PENDING + 256 * MiB;

const seqHex = (seq: number) => seq.toString(16).padStart(8, '0');
const RESOURCE_PAYLOAD = 'r'.repeat(20_000);

/**
 * One OTLP/JSON export of SPANS spans whose ids start with the send number. The bytes of rows
 * come from a 20,000-byte resource attribute, which every span's row copies: over 200 KB of
 * rows from a body of about 21 KB: the budget, not the bytes on the wire, is what fills. (A
 * refused body still on its way is read and thrown away by the collector, so the client reads
 * the 503 whatever the body's size: test/overload-refusal.test.ts. Before that, with 210 KB
 * bodies at load 31, a quarter of the refusals reached the client as EPIPE/ECONNRESET.)
 */
function bodyFor(seq: number): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: SPANS }, (_, i) => ({
    traceId: `${seqHex(seq)}${'0'.repeat(16)}${seqHex(i)}`,
    spanId: `${seqHex(seq)}${seqHex(i)}`,
    name: 'overload',
    kind: 1,
    startTimeUnixNano: String(now + BigInt(i)),
    endTimeUnixNano: String(now + BigInt(i) + 1_000_000n),
  }));
  const attr = (key: string, stringValue: string) => ({ key, value: { stringValue } });
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [
        {
          resource: {
            attributes: [attr('service.name', 'overload-soak'), attr('payload', RESOURCE_PAYLOAD)],
          },
          scopeSpans: [{ scope: { name: 'e2e' }, spans }],
        },
      ],
    }),
  );
}

interface Sent {
  seq: number;
  phase: 'warm-up' | 'overload' | 'low' | 'after';
  status: number;
  retryAfter?: string;
  /** The socket error when there was no answer (status 0). */
  error?: string;
  answeredAt: number;
}

let c: RunningCollector;
let agent: http.Agent;

beforeAll(async () => {
  c = await startCollector({
    args: ['--max-pending-bytes', String(PENDING), '--batch-max-delay-ms', String(DELAY_MS)],
  });
  agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
});
afterAll(async () => {
  agent?.destroy();
  expect(await c.stop()).toBe(0);
});

/** One export; status 0 if the connection failed before an answer. */
function send(seq: number, phase: Sent['phase']): Promise<Sent> {
  const body = bodyFor(seq);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: c.port,
        path: '/v1/traces',
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${c.apiKey}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            seq,
            phase,
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] as string | undefined,
            answeredAt: performance.now(),
          }),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({
        seq,
        phase,
        status: 0,
        error: err.code ?? err.message,
        answeredAt: performance.now(),
      }),
    );
    req.end(body);
  });
}

let nextSeq = 1;
/** Starts sends on a fixed schedule (open loop: answers do not slow it down). */
async function openLoop(phase: Sent['phase'], seconds: number, perSecond: number) {
  const sends: Promise<Sent>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < seconds * perSecond; i++) {
    const wait = t0 + (i * 1000) / perSecond - performance.now();
    // Behind schedule (a loaded machine), still yield so answers and samples are handled.
    await new Promise((r) => (wait > 1 ? setTimeout(r, wait) : setImmediate(r)));
    sends.push(send(nextSeq++, phase));
  }
  return sends;
}

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (f: string) => Number(new RegExp(`${f}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

async function held(): Promise<number> {
  const h = (await (await fetch(`${c.url}/api/v1/health`)).json()) as {
    ingest: { pendingBytes: number; reservedBytes: number };
  };
  return h.ingest.pendingBytes + h.ingest.reservedBytes;
}

/** Polls `check` every 50 ms until it holds; fails after `ms`. */
async function until(what: string, check: () => Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('past its budget the collector answers 503 + Retry-After, bounds RSS, loses nothing acknowledged and recovers', async () => {
  expect((await send(0, 'warm-up')).status).toBe(200);
  await until('write path idle after the warm-up', async () => (await held()) === 0);
  const before = memory(c.pid).rss;
  let rssMax = before;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, memory(c.pid).rss);
  }, 250);

  const overload = await openLoop('overload', OVERLOAD.seconds, OVERLOAD.perSecond);
  const low = await openLoop('low', LOW.seconds, LOW.perSecond);
  const sent = await Promise.all([...overload, ...low]);
  await until('write path drained', async () => (await held()) === 0, 120_000);
  // Recovered: one request at a time on the drained write path is always admitted.
  const after: Sent[] = [];
  for (let i = 0; i < 5; i++) after.push(await send(nextSeq++, 'after'));
  sent.push(...after);
  clearInterval(sampler);
  const { hwm } = memory(c.pid);

  const over = sent.filter((s) => s.phase === 'overload');
  const refused = over.filter((s) => s.status === 503);
  const summary = `overload: ${over.length} sent, ${over.filter((s) => s.status === 200).length} x 200, ${refused.length} x 503; low: ${low.length} sent, ${sent.filter((s) => s.phase === 'low' && s.status === 200).length} x 200`;
  // Every answer is an acknowledgement or a refusal to retry (no 500, no 429). A connection
  // may still fail now and then on a loaded machine (a keep-alive socket closed by its idle
  // timeout as the client reuses it): at most 1%.
  const answered = sent.filter((s) => s.status !== 0);
  const failed = sent.filter((s) => s.status === 0);
  expect(
    answered.filter((s) => s.status !== 200 && s.status !== 503),
    summary,
  ).toEqual([]);
  expect(
    failed.length,
    `connection errors: ${failed.map((s) => s.error).join(', ')}`,
  ).toBeLessThanOrEqual(sent.length / 100);
  expect(refused.length, summary).toBeGreaterThan(0);
  // It keeps taking what fits while it refuses the rest.
  expect(over.length - refused.length, summary).toBeGreaterThan(0);
  for (const r of refused)
    expect(Number(r.retryAfter), 'Retry-After seconds').toBeGreaterThanOrEqual(1);

  const growth = Math.max(rssMax, hwm) - before;
  expect(
    growth,
    `RSS grew by ${(growth / MiB).toFixed(0)} MiB (bound ${RSS_GROWTH_BOUND / MiB} MiB)`,
  ).toBeLessThan(RSS_GROWTH_BOUND);

  // After the drop: acknowledged again. How much of the low rate gets in meanwhile depends on
  // how fast a loaded machine works off the overload's backlog (2 of 30 at load 30), so only
  // the requests after the drain are held to it.
  const lowOk = sent.filter((s) => s.phase === 'low' && s.status === 200).length;
  expect(
    after.map((s) => s.status),
    `${lowOk} of ${low.length} low-rate requests got 200 before the drain`,
  ).toEqual([200, 200, 200, 200, 200]);

  // Every acknowledged span is stored once; nothing of a refused request is.
  const out = await c.api<{ rows: { s: string; n: string | number; u: string | number }[] }>(
    '/api/v1/query',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: `SELECT lower(substring(SpanId, 1, 8)) AS s, count() AS n, uniqExact(SpanId) AS u
                FROM otel_traces WHERE ServiceName = 'overload-soak' GROUP BY s`,
      }),
    },
  );
  const stored = new Map(out.rows.map((r) => [r.s, { n: Number(r.n), u: Number(r.u) }]));
  const missing: number[] = [];
  const duplicated: number[] = [];
  const storedRefused: number[] = [];
  for (const s of sent) {
    const row = stored.get(seqHex(s.seq)) ?? { n: 0, u: 0 };
    if (row.n > row.u) duplicated.push(s.seq);
    if (s.status === 200 && row.u < SPANS) missing.push(s.seq);
    if (s.status === 503 && row.n > 0) storedRefused.push(s.seq);
  }
  expect({ missing, duplicated, storedRefused }).toEqual({
    missing: [],
    duplicated: [],
    storedRefused: [],
  });
  // Nothing else was stored: only the warm-up, the acknowledged sends and (perhaps) those
  // whose connection failed after the collector took them.
  const known = new Set([
    seqHex(0),
    ...sent.filter((s) => s.status !== 503).map((s) => seqHex(s.seq)),
  ]);
  expect([...stored.keys()].filter((k) => !known.has(k))).toEqual([]);
}, 240_000);
