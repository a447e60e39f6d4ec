import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { decodePartialSuccess, decodeStatus, encodeSpans } from './helpers/otlp.js';

const LIMIT = 1024 * 1024;
let c: RunningCollector;
let validSpans = 0;

beforeAll(async () => {
  c = await startCollector({
    args: ['--max-body-bytes', String(LIMIT), '--max-attribute-bytes', '1024'],
  });
});
afterAll(async () => {
  expect(await c.stop()).toBe(0);
});

function post(path: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  return fetch(c.url + path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${c.apiKey}`,
      'content-type': 'application/x-protobuf',
      ...headers,
    },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
}

async function sendValid(n: number) {
  const res = await post(
    '/v1/traces',
    encodeSpans(
      'bad-input-valid',
      Array.from({ length: n }, () => ({})),
    ),
  );
  expect(res.status).toBe(200);
  expect((await res.arrayBuffer()).byteLength).toBe(0);
  validSpans += n;
}

describe('bad input is refused with the right status and a clear message', () => {
  test('truncated protobuf: 400 with a google.rpc.Status saying where', async () => {
    await sendValid(3);
    const good = encodeSpans('bad-input', [{}, {}, {}]);
    for (const cut of [1, 7, Math.floor(good.length / 2), good.length - 1]) {
      const res = await post('/v1/traces', good.subarray(0, cut));
      expect(res.status, `cut at ${cut}`).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/x-protobuf');
      const status = decodeStatus(new Uint8Array(await res.arrayBuffer()));
      expect(status.code).toBe(3);
      expect(status.message).toMatch(/invalid protobuf at byte \d+/);
    }
  });

  test('invalid JSON: 400', async () => {
    const res = await post('/v1/traces', '{"resourceSpans": [', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: number; message: string };
    expect(body.code).toBe(3);
    expect(body.message).toMatch(/JSON/i);
  });

  test('wrong field types: 400 naming the field', async () => {
    const res = await post(
      '/v1/traces',
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), startTimeUnixNano: { x: 1 } },
                ],
              },
            ],
          },
        ],
      }),
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string };
    expect(body.message).toContain('startTimeUnixNano');
    const res2 = await post('/v1/metrics', JSON.stringify({ resourceMetrics: 5 }), {
      'content-type': 'application/json',
    });
    expect(res2.status).toBe(400);
    expect(((await res2.json()) as { message: string }).message).toContain('resourceMetrics');
  });

  test('invalid trace and span ids: rejected one by one through partial_success', async () => {
    const body = encodeSpans('bad-ids', [
      { traceId: '00'.repeat(16) },
      {},
      { spanId: '0'.repeat(16) },
      {},
    ]);
    const res = await post('/v1/traces', body);
    expect(res.status).toBe(200);
    const ps = decodePartialSuccess(new Uint8Array(await res.arrayBuffer()));
    expect(ps.rejected).toBe(2);
    expect(ps.message).toBe('span 0: trace id is all zeros');
    validSpans += 2;
    const json = await post(
      '/v1/traces',
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: 'ab'.repeat(8),
                    spanId: 'cd'.repeat(8),
                    name: 'short trace id',
                    startTimeUnixNano: '1',
                    endTimeUnixNano: '2',
                  },
                  {
                    traceId: 'ab'.repeat(16),
                    spanId: 'cd'.repeat(8),
                    name: 'ends early',
                    startTimeUnixNano: '5',
                    endTimeUnixNano: '2',
                  },
                ],
              },
            ],
          },
        ],
      }),
      { 'content-type': 'application/json' },
    );
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '2',
        errorMessage: 'span 0: trace id must be 16 bytes, got 8',
      },
    });
  });

  test('an attribute over the size limit rejects its span', async () => {
    const res = await post(
      '/v1/traces',
      encodeSpans('big-attr', [{ attributes: { big: 'x'.repeat(2000) } }, {}]),
    );
    expect(res.status).toBe(200);
    const ps = decodePartialSuccess(new Uint8Array(await res.arrayBuffer()));
    expect(ps).toEqual({ rejected: 1, message: 'span 0: a span attribute is over the size limit' });
    validSpans += 1;
  });

  test('oversized body: 413, before and after decompression', async () => {
    const big = new Uint8Array(LIMIT + 10);
    const res = await post('/v1/traces', big);
    expect(res.status).toBe(413);
    const status = decodeStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status.message).toContain(`${LIMIT} bytes`);
  });

  test('gzip bomb: 413 without inflating past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await post('/v1/traces', bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    const health = await c.api<{ status: string }>('/api/v1/health');
    expect(health.status).toBe('ok');
  });

  test('gzip bodies are accepted; a corrupt gzip body is a 400', async () => {
    const body = gzipSync(encodeSpans('bad-input-valid', [{}, {}]));
    const ok = await post('/v1/traces', body, { 'content-encoding': 'gzip' });
    expect(ok.status).toBe(200);
    validSpans += 2;
    const bad = await post('/v1/traces', Buffer.from('not gzip at all'), {
      'content-encoding': 'gzip',
    });
    expect(bad.status).toBe(400);
  });

  test('unknown content type: 415 naming the supported ones', async () => {
    const res = await post('/v1/traces', 'hello', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toContain('application/x-protobuf');
  });

  test('missing and wrong keys: 401; the admin API refuses ingest keys', async () => {
    const body = encodeSpans('x', [{}]);
    const missing = await fetch(`${c.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(body),
    });
    expect(missing.status).toBe(401);
    const wrong = await post('/v1/traces', body, { authorization: 'Bearer not-a-key' });
    expect(wrong.status).toBe(401);
    const viaHeader = await fetch(`${c.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'x-aiobs-api-key': c.apiKey },
      body: Buffer.from(encodeSpans('bad-input-valid', [{}])),
    });
    expect(viaHeader.status).toBe(200);
    validSpans += 1;
    const api = await fetch(`${c.url}/api/v1/traces`, {
      headers: { authorization: `Bearer ${c.apiKey}` },
    });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  test('the collector stayed up and stored every valid span sent in this run', async () => {
    await sendValid(5);
    const res = await c.api<{ rows: { n: number | string }[] }>('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT count() AS n FROM otel_traces' }),
    });
    expect(Number(res.rows[0]!.n)).toBe(validSpans);
  });
});
