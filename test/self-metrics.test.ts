/**
 * Self-observability through a real collector process: GET /metrics in the Prometheus
 * text format asks for the admin token (unless --metrics-public), and after ingest its
 * counters have moved by exactly what was sent, accepted, rejected and refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans } from './helpers/otlp.js';

let c: RunningCollector;

beforeAll(async () => {
  c = await startCollector();
});
afterAll(async () => {
  expect(await c.stop()).toBe(0);
});

/** Parses the text format into `name{labels}` → value (comments skipped). */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${c.url}/metrics`, {
    headers: { authorization: `Bearer ${c.adminToken}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

const get = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

function post(body: Uint8Array | string, type = 'application/x-protobuf') {
  return fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': type },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
}

describe('GET /metrics', () => {
  test('asks for the admin token: none or an ingest key is 401', async () => {
    expect((await fetch(`${c.url}/metrics`)).status).toBe(401);
    const ingest = await fetch(`${c.url}/metrics`, {
      headers: { authorization: `Bearer ${c.apiKey}` },
    });
    expect(ingest.status).toBe(401);
    expect(await ingest.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  test('after ingest, the counters moved by what was sent', async () => {
    const before = await scrape();
    // 7 spans accepted in 2 requests, 1 rejected span (empty name) beside 2 accepted ones,
    // and 3 bodies that are not OTLP (400).
    for (const n of [3, 4])
      expect(
        (
          await post(
            encodeSpans(
              'metrics-e2e',
              Array.from({ length: n }, () => ({})),
            ),
          )
        ).status,
      ).toBe(200);
    const partial = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: ['a', '', 'b'].map((name, i) => ({
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: `eee19b7ec3c1b1${10 + i}`,
                name,
                startTimeUnixNano: '1750000000000000000',
                endTimeUnixNano: '1750000000500000000',
              })),
            },
          ],
        },
      ],
    };
    const res = await post(JSON.stringify(partial), 'application/json');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess?: { rejectedSpans?: string } };
    const rejected = Number(body.partialSuccess?.rejectedSpans ?? 0);
    for (const bad of ['{not json', '[1,2]', '{"resourceSpans":7}'])
      expect((await post(bad, 'application/json')).status).toBe(400);

    const after = await scrape();
    const delta = (k: string) => get(after, k) - get(before, k);
    expect(delta('aiobs_http_requests_total{route="/v1/traces",method="POST",status="200"}')).toBe(
      3,
    );
    expect(delta('aiobs_http_requests_total{route="/v1/traces",method="POST",status="400"}')).toBe(
      3,
    );
    expect(delta('aiobs_ingest_accepted_records_total')).toBe(7 + 3 - rejected);
    expect(delta('aiobs_ingest_rejected_records_total')).toBe(rejected);
    expect(delta('aiobs_ingest_decode_errors_total')).toBe(3);
    // Acknowledged means committed: every accepted span is in rows written already.
    expect(delta('aiobs_ingest_rows_written_total{table="otel_traces"}')).toBe(7 + 3 - rejected);
    expect(get(after, 'aiobs_ingest_pending_bytes')).toBeGreaterThanOrEqual(0);
    expect(get(after, 'aiobs_ingest_max_pending_bytes')).toBeGreaterThan(0);
    expect(
      delta('aiobs_ingest_insert_duration_seconds_count{table="otel_traces",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(delta('aiobs_ingest_batch_rows_sum{table="otel_traces"}')).toBe(7 + 3 - rejected);
    // The engine's parts, read from system.parts by the collector itself and reused for
    // 15 s: polled until a reading taken after the inserts shows them.
    const partsKey = 'aiobs_engine_active_parts{table="otel_traces"}';
    let parts = get(after, partsKey);
    for (let i = 0; i < 40 && parts < 1; i++) {
      await new Promise((r) => setTimeout(r, 500));
      parts = get(await scrape(), partsKey);
    }
    expect(parts).toBeGreaterThanOrEqual(1);
    expect(after.has('aiobs_engine_merges_running')).toBe(true);
  });

  test('the dashboard catch-all does not take /metrics; API routes are labelled by their first segment', async () => {
    const before = await scrape();
    await fetch(`${c.url}/api/v1/traces/0123456789abcdef0123456789abcdef`, {
      headers: { authorization: `Bearer ${c.adminToken}` },
    });
    const after = await scrape();
    const series = [...after.keys()].filter((k) => k.includes('route="/api/v1/traces"'));
    expect(series.length).toBeGreaterThan(0);
    expect([...after.keys()].some((k) => k.includes('0123456789abcdef'))).toBe(false);
    expect(
      get(after, 'aiobs_http_requests_total{route="/metrics",method="GET",status="200"}'),
    ).toBe(
      get(before, 'aiobs_http_requests_total{route="/metrics",method="GET",status="200"}') + 1,
    );
  });
});

describe('--metrics-public', () => {
  test('serves /metrics without credentials', async () => {
    const open = await startCollector({ args: ['--metrics-public'] });
    try {
      const res = await fetch(`${open.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE aiobs_http_requests_total counter');
    } finally {
      expect(await open.stop()).toBe(0);
    }
  });
});
