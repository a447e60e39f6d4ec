import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClickHouseFixture, startClickHouse } from './helpers/clickhouse-server.js';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// Storage faults on the CLICKHOUSE_URL path (issue 13, item 2): with the store down,
// failing or slow, ingest answers 503 + Retry-After and recovers by itself, API routes
// answer 503 with a message (never 500), and every acknowledged span is stored.
let ch: ClickHouseFixture;
let c: RunningCollector;
/** Trace ids of the requests the collector acknowledged (200). */
const acked: string[] = [];

function traceBody(traceId: string, spans = 1, pad = 0): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'faults' } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId,
              spanId: randomBytes(8).toString('hex'),
              name: `op-${i}`,
              kind: 3,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + 1_000_000n),
              attributes: pad ? [{ key: 'pad', value: { stringValue: 'x'.repeat(pad) } }] : [],
            })),
          },
        ],
      },
    ],
  });
}

/** Sends one export; records its trace id when acknowledged. */
async function send(spans = 1, pad = 0): Promise<Response> {
  const traceId = randomBytes(16).toString('hex');
  const res = await fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
    body: traceBody(traceId, spans, pad),
  });
  if (res.status === 200) acked.push(traceId);
  return res;
}

/** A 503 with Retry-After, in the OTLP status shape for /v1/, the API's error shape else. */
async function expectUnavailable(res: Response): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(503);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  return text;
}

/** Sends until one is acknowledged (bounded): ingest recovers without a restart. */
async function untilAccepted(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const res = await send();
    if (res.status === 200) return;
    await expectUnavailable(res);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('ingest did not recover');
}

async function storedTraces(ids: string[]): Promise<number> {
  const { rows } = await c.api<{ rows: { n: number }[] }>('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sql: 'SELECT uniqExact(TraceId) AS n FROM otel_traces WHERE TraceId IN {ids:Array(String)}',
      params: { ids },
    }),
  });
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  ch = await startClickHouse();
  // A small write budget so a slow store fills it quickly.
  c = await startCollector({ clickhouse: ch, args: ['--max-pending-bytes', String(256 * 1024)] });
  for (let i = 0; i < 5; i++) expect((await send()).status).toBe(200);
});

afterAll(async () => {
  await c?.stop();
  await ch?.stop();
});

describe('store down (connections refused)', () => {
  test('ingest, API routes and health answer 503 with Retry-After; ingest recovers by itself', async () => {
    await ch.pause();
    try {
      const ingest = await expectUnavailable(await send());
      expect(JSON.parse(ingest).message).toMatch(/storage/);
      // Refused at once while the breaker is open: no decode, no insert attempt.
      await expectUnavailable(await send());
      const api = await fetch(`${c.url}/api/v1/traces?limit=5`, {
        headers: { authorization: `Bearer ${c.adminToken}` },
      });
      const body = JSON.parse(await expectUnavailable(api)) as {
        error: { code: string; message: string };
      };
      expect(body.error.code).toBe('unavailable');
      // Auth reads the keys first, so the first thing to notice the store is down says so.
      expect(body.error.message).toMatch(/storage/);
      const query = await fetch(`${c.url}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sql: 'SELECT 1' }),
      });
      await expectUnavailable(query);
      expect((await fetch(`${c.url}/api/v1/health`)).status).toBe(503);
    } finally {
      await ch.resume();
    }
    await untilAccepted();
    expect((await fetch(`${c.url}/api/v1/health`)).status).toBe(200);
  });
});

describe('store failing inserts', () => {
  test('inserts refused by the store are 503; reads keep working; it recovers on reset', async () => {
    await ch.fail({ match: '^\\s*INSERT', code: 242 });
    try {
      await expectUnavailable(await send());
      const res = await fetch(`${c.url}/api/v1/traces?limit=1`, {
        headers: { authorization: `Bearer ${c.adminToken}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await ch.reset();
    }
    await untilAccepted();
  });

  test('a read the store refuses is a 503 that names it, not a 500', async () => {
    await ch.fail({ match: 'otel_traces', code: 242 });
    try {
      const res = await fetch(`${c.url}/api/v1/traces?limit=1`, {
        headers: { authorization: `Bearer ${c.adminToken}` },
      });
      const body = JSON.parse(await expectUnavailable(res)) as { error: { message: string } };
      expect(body.error.message).toMatch(/TABLE_IS_READ_ONLY/);
    } finally {
      await ch.reset();
    }
  });

  test('connections cut before the insert runs: 503, then stored once by the collector', async () => {
    await ch.cut({ match: '^\\s*INSERT', when: 'before' });
    const traceId = randomBytes(16).toString('hex');
    try {
      const res = await fetch(`${c.url}/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
        body: traceBody(traceId),
      });
      await expectUnavailable(res);
    } finally {
      await ch.reset();
    }
    await untilAccepted();
    // A failed insert's outcome is unknown to the collector (a cut before and after the
    // commit look alike), so it retries the block under its insert token until the store
    // takes it, and a resend of the request is not stored again (docs/scaling.md,
    // "Resent requests are stored once"); with --ingest-dedup off nothing retries it.
    const end = Date.now() + 30_000;
    const want = process.env.AIOBS_INGEST_DEDUP === 'off' ? 0 : 1;
    while ((await storedTraces([traceId])) !== want && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    expect(await storedTraces([traceId])).toBe(want);
  });
});

describe('store slow', () => {
  test('a slow store fills the write budget: 200 or 503 + Retry-After, never anything else', async () => {
    await ch.slow(1500);
    let statuses: number[];
    try {
      // 24 concurrent requests of ~40 KB decoded each against a 256 KiB budget while
      // every insert takes 1.5 s.
      const results = await Promise.all(Array.from({ length: 24 }, () => send(20, 1000)));
      statuses = results.map((r) => r.status);
      for (const r of results) if (r.status !== 200) await expectUnavailable(r);
    } finally {
      await ch.slow(0);
    }
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([200, 503]));
    await untilAccepted();
  });
});

test('every acknowledged export is stored', async () => {
  expect(acked.length).toBeGreaterThan(8);
  // With AIOBS_ACK_AFTER=spool an answer comes before the insert: a failed one is retried
  // from the spool (backing off up to 30 s) after the store came back.
  if (process.env.AIOBS_ACK_AFTER === 'spool')
    await expect.poll(() => storedTraces(acked), { timeout: 90_000 }).toBe(acked.length);
  expect(await storedTraces(acked)).toBe(acked.length);
}, 120_000);
