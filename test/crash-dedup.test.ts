import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterAll, expect, test } from 'vitest';
import { startClickHouse } from './helpers/clickhouse-server.js';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// No duplicates after a crash (issue 13, item 4). Retrying loopback clients send
// OTLP/protobuf GenAI spans (unique ids, one feature and one prediction each) while the
// collector is SIGKILLed four times, each time after a set number of acknowledgements and
// while an insert is spooled (in flight, or committed and not yet recorded). Every client
// resends a request until it is acknowledged, as OTLP exporters do. At the end every span
// must be stored exactly once in otel_traces and in every table derived from it.
// AIOBS_INGEST_DEDUP=off shows what the collector did before (duplicates).

const CLIENTS = 4;
const REQUESTS_PER_CLIENT = 30;
const SPANS_PER_REQUEST = 40;
const TOTAL_SPANS = CLIENTS * REQUESTS_PER_CLIENT * SPANS_PER_REQUEST;
/** Acknowledged requests (cumulative) after which the collector is killed. */
const KILL_AFTER_ACKS = [15, 40, 65, 90];

const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-crash-'));
const apiKey = `ingest-${randomBytes(6).toString('hex')}`;
const adminToken = `admin-${randomBytes(6).toString('hex')}`;
// AIOBS_ACK_AFTER=spool runs the same with requests answered once spooled.
const env: Record<string, string> = Object.fromEntries(
  ['AIOBS_INGEST_DEDUP', 'AIOBS_ACK_AFTER'].flatMap((k) =>
    process.env[k] ? [[k, process.env[k]!]] : [],
  ),
);
let collector: RunningCollector | undefined;

afterAll(async () => {
  await collector?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** One export request of GenAI inference spans, each with its own trace and span id. */
function request(client: number, seq: number): Uint8Array {
  const resource = resourceFromAttributes({
    'service.name': 'crash-svc',
    'host.name': `host-${client}`,
  });
  const now = Date.now();
  const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, i) => {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const start = now - 1000 + i;
    return {
      name: 'chat crash-model',
      kind: 2,
      spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
      parentSpanContext: undefined,
      startTime: [Math.floor(start / 1000), (start % 1000) * 1e6],
      endTime: [Math.floor((start + 20) / 1000), ((start + 20) % 1000) * 1e6],
      duration: [0, 20e6],
      status: { code: 0 },
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'crash-model',
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 5,
        'aiobs.prediction.id': spanId,
        'aiobs.prediction.value': seq + i / 100,
        'aiobs.feature.x': client * 1000 + seq,
      },
      links: [],
      events: [],
      resource,
      instrumentationScope: { name: 'crash-dedup' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      ended: true,
    };
  });
  return ProtobufTraceSerializer.serializeRequest(spans as never)!;
}

const progress = { acked: 0, resentAfterCut: 0, refused: 0 };

/** Sends each request until it is acknowledged, the same bytes every time. */
async function runClient(client: number, deadline: number): Promise<void> {
  for (let seq = 0; seq < REQUESTS_PER_CLIENT; seq++) {
    const body = request(client, seq);
    let cut = false;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`client ${client} gave up at request ${seq}`);
      const target = collector;
      if (target) {
        try {
          const res = await fetch(`${target.url}/v1/traces`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${apiKey}`,
              'content-type': 'application/x-protobuf',
            },
            body,
          });
          await res.arrayBuffer();
          if (res.status === 200) {
            progress.acked++;
            if (cut) progress.resentAfterCut++;
            break;
          }
          expect([503, 429]).toContain(res.status);
          progress.refused++;
        } catch {
          // Connection refused or cut by the kill: the request may have been stored.
          cut = true;
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function start(): Promise<RunningCollector> {
  return startCollector({ dataDir, cleanup: false, apiKey, adminToken, env });
}

async function query<T>(sql: string): Promise<T[]> {
  const { rows } = await collector!.api<{ rows: T[] }>('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql }),
  });
  return rows;
}

const spoolDir = join(dataDir, 'ingest-spool');
const spooled = () => existsSync(spoolDir) && readdirSync(spoolDir).some((f) => f.endsWith('.blk'));

test('four SIGKILLs under retrying load: every span stored once, raw and derived', async () => {
  collector = await start();
  const deadline = Date.now() + 400_000;
  const clients = Promise.all(Array.from({ length: CLIENTS }, (_, i) => runClient(i, deadline)));
  let failed: unknown;
  clients.catch((err: unknown) => {
    failed = err;
  });
  const rerun: number[] = [];
  // Where a slow run stands (a loaded CI machine), in the log of a failure.
  const ticker = setInterval(
    () => console.log('crash-dedup progress', JSON.stringify(progress)),
    20_000,
  );
  for (const acks of KILL_AFTER_ACKS) {
    await until(() => progress.acked >= acks || failed !== undefined, `${acks} acks`);
    if (failed) break;
    // With the dedup on, kill while a block is spooled: its insert is in flight or has
    // committed without its digests recorded, the window where a resend duplicates.
    if (env.AIOBS_INGEST_DEDUP !== 'off') await until(spooled, 'a spooled insert', 20_000);
    const dead = collector;
    collector = undefined;
    await dead.stop('SIGKILL');
    collector = await start();
    const m = /"completed":(\d+)[^\n]*spooled inserts re-run/.exec(collector.output());
    rerun.push(m ? Number(m[1]) : 0);
  }
  await clients.finally(() => clearInterval(ticker));
  expect(progress.acked).toBe(CLIENTS * REQUESTS_PER_CLIENT);
  // The kills cut requests in flight, and the collector found inserts to finish.
  expect(progress.resentAfterCut).toBeGreaterThan(0);
  if (env.AIOBS_INGEST_DEDUP !== 'off') expect(rerun.some((n) => n > 0)).toBe(true);

  type Counts = { rows: string; uniq: string };
  const counts = async (sql: string) => {
    const [r] = await query<Counts>(sql);
    return { rows: Number(r!.rows), uniq: Number(r!.uniq) };
  };
  const once = { rows: TOTAL_SPANS, uniq: TOTAL_SPANS };
  // Answered once spooled, the last requests' rows may still be on their way in.
  if (env.AIOBS_ACK_AFTER === 'spool') {
    const landed = async () => {
      const [r] = await query<{ n: string }>(
        `SELECT (SELECT uniqExact(SpanId) FROM otel_traces)
          + (SELECT uniqExact(prediction_id) FROM aiobs_feature_values WHERE kind = 'feature') AS n`,
      );
      return Number(r!.n);
    };
    await expect.poll(landed, { timeout: 30_000 }).toBe(2 * TOTAL_SPANS);
  }
  const found = {
    spans: await counts('SELECT count() AS rows, uniqExact(SpanId) AS uniq FROM otel_traces'),
    traceIndex: await counts(
      'SELECT count() AS rows, uniqExact(TraceId) AS uniq FROM otel_traces_trace_id_ts',
    ),
    inferences: await counts(
      'SELECT count() AS rows, uniqExact(span_id) AS uniq FROM aiobs_inferences',
    ),
    features: await counts(
      "SELECT count() AS rows, uniqExact(prediction_id) AS uniq FROM aiobs_feature_values WHERE kind = 'feature'",
    ),
    predictions: await counts(
      "SELECT count() AS rows, uniqExact(prediction_id) AS uniq FROM aiobs_feature_values WHERE kind = 'prediction'",
    ),
  };
  const [rollups] = await query<Record<string, string>>(
    `SELECT (SELECT sum(requests) FROM aiobs_inference_1m) AS minute,
       (SELECT sum(requests) FROM aiobs_inference_1h) AS hour,
       (SELECT sum(requests) FROM aiobs_model_seen) AS seen,
       (SELECT sum(requests) FROM aiobs_model_hosts_1h) AS hosts,
       (SELECT sum(input_tokens) FROM aiobs_inference_1m) AS tokens`,
  );
  console.log('crash-dedup', JSON.stringify({ progress, rerun, found, rollups }));
  expect(found).toEqual({
    spans: once,
    traceIndex: once,
    inferences: once,
    features: once,
    predictions: once,
  });
  expect(Object.fromEntries(Object.entries(rollups!).map(([k, v]) => [k, Number(v)]))).toEqual({
    minute: TOTAL_SPANS,
    hour: TOTAL_SPANS,
    seen: TOTAL_SPANS,
    hosts: TOTAL_SPANS,
    tokens: TOTAL_SPANS * 10,
  });
}, 480_000);

test('server path: an insert whose answer is cut after it committed is retried under its token, and the resends are stored once', async () => {
  const ch = await startClickHouse();
  // A long batch delay puts the two requests below into one insert (after the warm-up's).
  const c = await startCollector({ clickhouse: ch, env, args: ['--batch-max-delay-ms', '3000'] });
  const post = async (body: Uint8Array) => {
    const res = await fetch(`${c.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/x-protobuf' },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  };
  const untilStored = async (body: Uint8Array) => {
    const end = Date.now() + 60_000;
    let status = await post(body);
    while (status !== 200 && Date.now() < end) {
      expect(status).toBe(503);
      await new Promise((r) => setTimeout(r, 200));
      status = await post(body);
    }
    expect(status).toBe(200);
  };
  const [warmUp, a, b] = [request(7, 0), request(8, 0), request(9, 0)];
  try {
    expect(await post(warmUp)).toBe(200);
    // The spans' insert (both requests in one block) commits on the server; the collector
    // never hears so. Each request is then resent alone: a block unlike the first one.
    await ch.cut({ match: 'otel_traces .*FORMAT Native', when: 'after' });
    // Answered 503 (the insert's outcome is unknown), or 200 when answered once spooled.
    const answer = env.AIOBS_ACK_AFTER === 'spool' ? 200 : 503;
    expect(await Promise.all([post(a), post(b)])).toEqual([answer, answer]);
    // Answered before the insert when spooled: the cut comes with the next insert.
    await expect.poll(async () => (await ch.stats()).cut, { timeout: 20_000 }).toBe(1);
    await ch.reset();
    await untilStored(a);
    await untilStored(b);
    const counts = async () => {
      const { rows } = await c.api<{ rows: Record<string, string>[] }>('/api/v1/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          sql: `SELECT (SELECT count() FROM otel_traces) AS spans,
            (SELECT count() FROM aiobs_inferences) AS inferences,
            (SELECT sum(requests) FROM aiobs_inference_1m) AS minute,
            (SELECT count() FROM aiobs_feature_values) AS features`,
        }),
      });
      return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
    };
    const n = 3 * SPANS_PER_REQUEST;
    const once = { spans: n, inferences: n, minute: n, features: 2 * n };
    // Answered once spooled, a resend's rows may still be on their way in: wait for them,
    // then check nothing more arrives with the next insert.
    if (env.AIOBS_ACK_AFTER === 'spool')
      await expect.poll(counts, { timeout: 20_000 }).toEqual(once);
    console.log('server-path', JSON.stringify(await counts()), JSON.stringify(await ch.stats()));
    expect(await counts()).toEqual(once);
  } finally {
    await c.stop();
    await ch.stop();
  }
}, 180_000);
