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

    // Answered from the request WAL (--ack-after spool, the embedded default), rows may still
    // be on their way to the insert: a read through the API waits for every answered
    // request's insert, so the scrape after it counts them all.
    await c.api('/api/v1/projects');
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
    // Every accepted span is in rows written.
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

describe('collector health: GET /api/v1/collectors and the evaluator in /metrics', () => {
  let h: RunningCollector;
  beforeAll(async () => {
    // A row of the collector's figures every second, and a rule evaluated every second.
    h = await startCollector({ args: ['--stats-interval', '1'] });
  });
  afterAll(async () => {
    expect(await h.stop()).toBe(0);
  });

  test('rates from the stored rows, the evaluator figures, and only for the instance admin', async () => {
    await h.api('/api/v1/alert-rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'health p95',
        signal: { kind: 'latency', quantile: 0.95 },
        window: '5m',
        condition: { op: '>', threshold: 1000 },
        interval: '1s',
      }),
    });
    const sendSpans = (n: number) =>
      fetch(`${h.url}/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/x-protobuf' },
        body: Buffer.from(
          encodeSpans(
            'health-e2e',
            Array.from({ length: n }, () => ({})),
          ),
        ),
      });
    expect((await sendSpans(50)).status).toBe(200);
    type Res = import('../collector/src/api/types.js').CollectorHealthResponse;
    const from = new Date(Date.now() - 60_000).toISOString();
    let res: Res | undefined;
    const accepted = (r: Res) =>
      r.collectors.flatMap((c) => c.points).reduce((s, p) => s + (p.acceptedPerS ?? 0), 0);
    const evaluated = (r: Res) =>
      r.collectors.flatMap((c) => c.points).some((p) => (p.evaluationsPerS ?? 0) > 0);
    // Rows every second: poll until one written after the spans and the first evaluation.
    for (let i = 0; i < 60; i++) {
      res = await h.api<Res>(`/api/v1/collectors?from=${from}&step=1s`);
      if (accepted(res) > 0 && evaluated(res)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(res!.intervalMs).toBe(1000);
    expect(res!.stepMs).toBe(1000);
    expect(res!.collectors).toHaveLength(1);
    const me = res!.collectors[0]!;
    expect(me.collector).toContain(`:${h.pid}`);
    // The rates over the run add up to what was sent: Σ rate × its window = 50 spans. (× the
    // bucket's length instead was off wherever the 1 s timer's rows straddle bucket edges.)
    const points = me.points;
    const total = points.reduce(
      (s, p) => s + (p.acceptedPerS ?? 0) * ((p.rateWindowMs ?? 0) / 1000),
      0,
    );
    expect(total).toBeCloseTo(50, 6);
    expect(points.every((p) => p.rssBytes > 0 && p.maxPendingBytes > 0)).toBe(true);
    expect(points.some((p) => p.insertMeanMs !== null && p.insertMeanMs > 0)).toBe(true);
    expect(points.at(-1)!.alertRules).toBe(1);

    const metrics = parse(
      await (
        await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${h.adminToken}` } })
      ).text(),
    );
    expect(get(metrics, 'aiobs_alert_rules')).toBe(1);
    expect(get(metrics, 'aiobs_alert_evaluations_total')).toBeGreaterThanOrEqual(1);
    expect(get(metrics, 'aiobs_alert_evaluation_lag_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(
      get(metrics, 'aiobs_alert_evaluation_duration_seconds_count{outcome="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(get(metrics, 'aiobs_alert_shards_held')).toBeGreaterThanOrEqual(1);

    // A project's read key reads the project, not the instance's collectors.
    const key = await h.api<{ key: string }>('/api/v1/projects/default/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'read', name: 'health-reader' }),
    });
    const denied = await fetch(`${h.url}/api/v1/collectors`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(denied.status).toBe(403);
    const bad = await fetch(`${h.url}/api/v1/collectors?from=yesterday`, {
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'from' } });
  });
});
