import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { decodePartialSuccess, decodeStatus, encodeSpans } from './helpers/otlp.js';

/**
 * A small request that would write a lot: resource attributes are copied into every row,
 * so ~1 MB of resource attributes and 1,500 tiny spans ask for ~1.5 GB of rows. Before the
 * decoded-size bound this took the collector's RSS up by 5.5 GB and was answered 200.
 */
function amplificationRequest(spans = 1500, resourceBytes = 1_000_000): string {
  const attributes = [{ key: 'service.name', value: { stringValue: 'amplifier' } }];
  const chunk = 100_000;
  for (let i = 0; i * chunk < resourceBytes; i++)
    attributes.push({ key: `big.${i}`, value: { stringValue: 'x'.repeat(chunk) } });
  const now = BigInt(Date.now()) * 1_000_000n;
  const list = Array.from({ length: spans }, (_, i) => ({
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    name: 's',
    startTimeUnixNano: String(now + BigInt(i)),
    endTimeUnixNano: String(now + BigInt(i) + 1000n),
  }));
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes }, scopeSpans: [{ spans: list }] }],
  });
}

/** Resident set and its high-water mark of a process, in bytes, from /proc. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

const MB = 1024 * 1024;
let c: RunningCollector;

beforeAll(async () => {
  c = await startCollector();
});
afterAll(async () => {
  expect(await c.stop()).toBe(0);
});

function post(body: Uint8Array | string, type = 'application/json') {
  return fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': type },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
}

async function spanCount(service: string): Promise<number> {
  const out = await c.api<{ rows: { n: string | number }[] }>('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sql: 'SELECT count() AS n FROM otel_traces WHERE ServiceName = {s:String}',
      params: { s: service },
    }),
  });
  return Number(out.rows[0]!.n);
}

describe('a small request cannot make the collector write (or hold) gigabytes', () => {
  test('the amplification request is refused with 413 and memory stays bounded', async () => {
    // Warm up the write path so the baseline includes the engine's steady state.
    expect((await post(encodeSpans('warm-up', [{}, {}]), 'application/x-protobuf')).status).toBe(
      200,
    );
    const before = memoryOf(c.pid);
    const body = amplificationRequest();
    expect(body.length).toBeGreaterThan(MB);
    expect(body.length).toBeLessThan(1.5 * MB);

    const res = await post(body);
    expect(res.status).toBe(413);
    const status = (await res.json()) as { code: number; message: string };
    expect(status.message).toMatch(/decoded/);
    expect(status.message).toMatch(/--max-decoded-bytes/);

    const growth = memoryOf(c.pid).hwm - before.rss;
    expect(growth, `RSS high-water grew by ${Math.round(growth / MB)} MB`).toBeLessThan(300 * MB);
    // Nothing of the refused request was written.
    expect(await spanCount('amplifier')).toBe(0);
  });

  test('the collector stays healthy and still ingests a normal request afterwards', async () => {
    const health = await fetch(`${c.url}/api/v1/health`);
    expect(health.status).toBe(200);
    const res = await post(
      encodeSpans('after-amplification', [{}, {}, {}]),
      'application/x-protobuf',
    );
    expect(res.status).toBe(200);
    expect(await spanCount('after-amplification')).toBe(3);
  });

  test('attributes past the per-record limit are dropped and reported, the span kept', async () => {
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 200; i++) attributes[`k${String(i).padStart(3, '0')}`] = `v${i}`;
    const res = await post(
      encodeSpans('many-attributes', [{ attributes }]),
      'application/x-protobuf',
    );
    expect(res.status).toBe(200);
    const partial = decodePartialSuccess(new Uint8Array(await res.arrayBuffer()));
    expect(partial.rejected).toBe(0);
    expect(partial.message).toMatch(/^72 attribute\(s\) dropped: at most 128 are kept/);
    const out = await c.api<{ rows: { n: string | number }[] }>('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: "SELECT length(SpanAttributes) AS n FROM otel_traces WHERE ServiceName = 'many-attributes'",
      }),
    });
    expect(out.rows.map((r) => Number(r.n))).toEqual([128]);
  });
});

/** An upload whose headers (with Content-Length) are sent, and whose body waits for `finish`. */
interface Upload {
  /** Settles with the answer, whenever the collector gives it. */
  readonly answer: Promise<{ status: number; retryAfter: string | undefined; text: string }>;
  finish(): void;
  abort(): void;
}

function startUpload(target: RunningCollector, body: Uint8Array, headBytes = 64 * 1024): Upload {
  const req = request({
    host: '127.0.0.1',
    port: target.port,
    method: 'POST',
    path: '/v1/traces',
    headers: {
      authorization: `Bearer ${target.apiKey}`,
      'content-type': 'application/x-protobuf',
      'content-length': String(body.length),
    },
  });
  const answer = new Promise<{ status: number; retryAfter: string | undefined; text: string }>(
    (resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString('latin1');
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] as string | undefined,
            text,
          }),
        );
      });
      req.on('error', reject);
    },
  );
  // A test that fails half-way leaves uploads open; their hang-up is not a second failure.
  answer.catch(() => undefined);
  req.write(body.subarray(0, headBytes));
  return {
    answer,
    finish: () => req.end(body.subarray(headBytes)),
    abort: () => req.destroy(),
  };
}

/** Polls `check` every 20 ms until it is true; fails after `ms`. */
async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('concurrent large bodies share the write budget instead of adding up', () => {
  const BODY_LIMIT = 4_000_000;
  // Bodies may hold half of it: 8 MB.
  const PENDING = 16_000_000;
  let small: RunningCollector;

  beforeAll(async () => {
    small = await startCollector({
      args: ['--max-body-bytes', String(BODY_LIMIT), '--max-pending-bytes', String(PENDING)],
    });
  });
  afterAll(async () => {
    expect(await small.stop()).toBe(0);
  });

  async function reserved(): Promise<number> {
    const res = await fetch(`${small.url}/api/v1/health`);
    const health = (await res.json()) as { ingest: { reservedBytes: number } };
    return health.ingest.reservedBytes;
  }

  test('bodies that do not fit beside those in flight get 503 + Retry-After; the rest 200', async () => {
    const big = 'z'.repeat(100_000);
    // ~3.5 MB of spans that each carry their own attribute: under the body limit, and
    // two of them fit in the bodies' 8 MB (half the budget), three do not.
    const body = encodeSpans(
      'concurrent',
      Array.from({ length: 35 }, () => ({ attributes: { big } })),
    );
    expect(body.length).toBeGreaterThan(3_400_000);
    expect(body.length).toBeLessThan(BODY_LIMIT);
    const before = memoryOf(small.pid);

    const uploads: Upload[] = [];
    for (let i = 0; i < 2; i++) {
      uploads.push(startUpload(small, body));
      // The collector reserves a body's Content-Length before reading it.
      await until(async () => (await reserved()) >= uploads.length * body.length);
    }
    const refused: Awaited<Upload['answer']>[] = [];
    for (let i = 0; i < 4; i++) {
      const u = startUpload(small, body);
      uploads.push(u);
      // Answered at once, while its body (and the two in flight) are still unsent.
      refused.push(await u.answer);
    }
    expect(await reserved()).toBe(2 * body.length);
    expect(refused).toHaveLength(4);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(decodeStatus(Buffer.from(r.text, 'latin1')).message).toMatch(/--max-pending-bytes/);
    }
    for (const u of uploads.slice(2)) u.abort();
    uploads[0]!.finish();
    uploads[1]!.finish();
    const accepted = await Promise.all([uploads[0]!.answer, uploads[1]!.answer]);
    expect(accepted.map((a) => a.status)).toEqual([200, 200]);
    await until(async () => (await reserved()) === 0);

    const growth = memoryOf(small.pid).hwm - before.rss;
    expect(growth, `RSS high-water grew by ${Math.round(growth / MB)} MB`).toBeLessThan(300 * MB);
    // Still healthy, and a normal request goes through.
    const res = await fetch(`${small.url}/v1/traces`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${small.apiKey}`,
        'content-type': 'application/x-protobuf',
      },
      body: Buffer.from(encodeSpans('after-concurrent', [{}])),
    });
    expect(res.status).toBe(200);
  });
});
