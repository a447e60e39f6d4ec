import { describe, expect, test } from 'vitest';
import { startCollector } from './helpers/collector.js';
import { encodeSpans } from './helpers/otlp.js';

async function post(url: string, key: string, body: Uint8Array) {
  return fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-protobuf' },
    body: Buffer.from(body),
  });
}

async function countSpans(
  c: { api: <T>(p: string, i?: RequestInit) => Promise<T> },
  service: string,
) {
  const res = await c.api<{ rows: { n: number | string }[] }>('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sql: 'SELECT count() AS n FROM otel_traces WHERE ServiceName = {s:String}',
      params: { s: service },
    }),
  });
  return Number(res.rows[0]!.n);
}

describe('write path saturation and shutdown', () => {
  test('a full write path answers 503 + Retry-After; SIGTERM drains the pending batch and exits 0', async () => {
    // One minute between inserts and a 1 KiB budget: after the first insert, the next
    // request's rows wait in memory, so the write path is full until it is flushed. Answers
    // after the insert (not the embedded default, spool), so the first request's answer means
    // the write path is empty again when the next one arrives.
    const c = await startCollector({
      args: [
        '--batch-max-delay-ms',
        '60000',
        '--max-pending-bytes',
        '1024',
        '--ack-after',
        'insert',
      ],
      cleanup: false,
    });
    const first = await post(c.url, c.apiKey, encodeSpans('lifecycle', [{}]));
    expect(first.status).toBe(200);

    const pending = post(
      c.url,
      c.apiKey,
      encodeSpans(
        'lifecycle',
        Array.from({ length: 20 }, () => ({})),
      ),
    );
    // The pending request's rows are decoded before it waits for its insert; the health
    // route shows them, so the test waits on that state rather than on time.
    for (;;) {
      const h = await c.api<{ ingest: { pendingBytes: number } }>('/api/v1/health');
      if (h.ingest.pendingBytes > 1024) break;
    }
    const refused = await post(c.url, c.apiKey, encodeSpans('lifecycle', [{}]));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);

    const code = c.stop();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await code).toBe(0);

    const again = await startCollector({
      dataDir: c.dataDir,
      apiKey: c.apiKey,
      adminToken: c.adminToken,
      cleanup: true,
    });
    expect(await countSpans(again, 'lifecycle')).toBe(21);
    expect(await again.stop()).toBe(0);
  });
});
