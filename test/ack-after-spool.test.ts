import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClickHouseFixture, startClickHouse } from './helpers/clickhouse-server.js';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// `--ack-after spool`: an OTLP request is answered once its rows are in the ingest spool,
// before the insert. On the ClickHouse HTTP fixture, inserts into otel_traces are made to
// fail: the request is still answered 200, and its spans are stored once the store takes
// inserts again (retried from the spool), or by the restart after a SIGKILL; a resend of
// the same bytes then stores nothing more. With `--ack-after insert` (the default on a
// ClickHouse server; spool is the embedded engine's) the same failure is a 503. With either, reads through the API wait for the inserts of answered
// rows, so a client that sends and then queries sees its data.

const SPANS = 25;
const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-ack-spool-'));
const apiKey = `ingest-${randomBytes(6).toString('hex')}`;
const adminToken = `admin-${randomBytes(6).toString('hex')}`;
let ch: ClickHouseFixture;
let c: RunningCollector | undefined;

const start = (args: string[] = ['--ack-after', 'spool']) =>
  startCollector({ clickhouse: ch, dataDir, apiKey, adminToken, cleanup: false, args });

beforeAll(async () => {
  ch = await startClickHouse();
});
afterAll(async () => {
  await c?.stop('SIGKILL');
  await ch?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One export of `SPANS` spans of one new trace, as JSON bytes, and its trace id. */
function request(): { traceId: string; body: string } {
  const traceId = randomBytes(16).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: SPANS }, (_, i) => ({
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: `chat m-${i}`,
    kind: 3,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 5_000_000n),
    attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'spool-model' } }],
  }));
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'spool' } }] },
        scopeSpans: [{ spans }],
      },
    ],
  };
  return { traceId, body: JSON.stringify(body) };
}

const send = (body: string) =>
  fetch(`${c!.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body,
  });

async function stored(traceId: string): Promise<number> {
  const { rows } = await c!.api<{ rows: { n: string | number }[] }>('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sql: 'SELECT count() AS n FROM otel_traces WHERE TraceId = {id:String}',
      params: { id: traceId },
    }),
  });
  return Number(rows[0]!.n);
}

/**
 * Sends other exports until one is answered 200: the collector refuses new data (503 +
 * Retry-After) for a backoff after a failed insert, and clients retry, as this does.
 */
async function untilAccepted(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = request();
    const res = await send(r.body);
    if (res.status === 200) {
      // Answered before its insert: wait for that insert too, so no insert of an earlier
      // request is left to meet the next fault.
      await expect.poll(() => stored(r.traceId), { timeout: 20_000 }).toBe(SPANS);
      return;
    }
    expect(res.status).toBe(503);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('ingest did not take data again');
}

/** One unlabelled figure of /metrics. */
async function metric(name: string): Promise<number> {
  const res = await fetch(`${c!.url}/metrics`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(await res.text());
  if (!m) throw new Error(`no ${name} in /metrics`);
  return Number(m[1]);
}
const walRequests = () => metric('aiobs_ingest_wal_requests');
const walWrites = () => metric('aiobs_ingest_wal_writes_total');

const failTraceInserts = () => ch.fail({ match: '^\\s*INSERT INTO \\S*\\botel_traces\\b' });

describe('--ack-after spool', () => {
  test('--ack-after insert answers a failed insert with 503', async () => {
    c = await start(['--ack-after', 'insert']);
    await failTraceInserts();
    const res = await send(request().body);
    expect(res.status).toBe(503);
    await ch.reset();
    expect(await c.stop()).toBe(0);
    c = undefined;
  });

  test('answers once spooled; a failed insert is retried until the store takes it', async () => {
    c = await start();
    await failTraceInserts();
    const r = request();
    const res = await send(r.body);
    expect(res.status, await res.text()).toBe(200);
    expect(await stored(r.traceId)).toBe(0);
    await ch.reset();
    await expect.poll(() => stored(r.traceId), { timeout: 20_000 }).toBe(SPANS);
  });

  test('a SIGKILL before the insert loses nothing: the restart inserts it; a resend adds nothing', async () => {
    await untilAccepted();
    await failTraceInserts();
    const r = request();
    const res = await send(r.body);
    expect(res.status, await res.text()).toBe(200);
    expect(await c!.stop('SIGKILL')).toBeNull();
    await ch.reset();
    c = await start();
    // The spool was re-inserted before the collector listened.
    expect(await stored(r.traceId)).toBe(SPANS);
    // The client never heard the answer and resends the same bytes: stored once, and with
    // nothing new to store, not written to the WAL either.
    const writes = await walWrites();
    const again = await send(r.body);
    expect(again.status).toBe(200);
    expect(await stored(r.traceId)).toBe(SPANS);
    expect(await walWrites()).toBe(writes);
    // A new request is written down.
    expect((await send(request().body)).status).toBe(200);
    expect(await walWrites()).toBe(writes + 1);
  });

  test('answers before the rows leave memory; a SIGKILL then loses nothing (the request WAL)', async () => {
    await c!.stop();
    // Inserts at most every 30 s: the first request goes in at once, the next waits.
    const args = ['--ack-after', 'spool', '--batch-max-delay-ms', '30000'];
    c = await start(args);
    const first = request();
    expect((await send(first.body)).status).toBe(200);
    await expect.poll(() => stored(first.traceId), { timeout: 20_000 }).toBe(SPANS);
    // Answered while its rows wait in the batch for the next insert, 30 s away. A read
    // waits for answered rows for at most 5 s, then runs without them.
    const r = request();
    expect((await send(r.body)).status).toBe(200);
    expect(await stored(r.traceId)).toBe(0);
    // /metrics counts it: answered, held in the WAL, not yet spooled.
    expect(await walRequests()).toBe(1);
    expect(await c!.stop('SIGKILL')).toBeNull();
    c = await start(args);
    // The restart ingested the answered request before it listened (the first one, in the
    // same WAL segment when it came within a second, was stored already: a no-op).
    expect(await stored(r.traceId)).toBe(SPANS);
    expect(c.output()).toMatch(/"requests":[12],"stored":1,[^\n]*answered requests re-run/);
    expect(await stored(first.traceId)).toBe(SPANS);
    expect(await walRequests()).toBe(0);
  });

  test('a read right after the answer waits for the insert: the client sees what it was told is stored', async () => {
    await c!.stop();
    // Inserts at most every 2 s: the first request goes in at once, the next is answered
    // while its rows wait for the insert after it.
    c = await start(['--ack-after', 'spool', '--batch-max-delay-ms', '2000']);
    const writes = await walWrites();
    const first = request();
    const second = request();
    expect((await send(first.body)).status).toBe(200);
    expect((await send(second.body)).status).toBe(200);
    expect(await stored(second.traceId)).toBe(SPANS);
    expect(await stored(first.traceId)).toBe(SPANS);
    // Both were answered from the WAL, before their inserts.
    expect(await walWrites()).toBe(writes + 2);
  });

  test('on a server the default (no --ack-after) answers after the insert: other collectors read the same store', async () => {
    await c!.stop();
    c = await start([]);
    const writes = await walWrites();
    const r = request();
    expect((await send(r.body)).status).toBe(200);
    expect(await stored(r.traceId)).toBe(SPANS);
    expect(await walWrites()).toBe(writes);
  });
});
