import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { encodeSpans } from './helpers/otlp.js';

// /metrics/inference end to end, scraped the way Prometheus does (HTTP GET with Basic
// auth or a bearer token, its Accept header): GenAI spans go in over OTLP/HTTP, the
// rollups fill, and the scraped counters and buckets must equal what was sent.
// (Per-project read tokens and the other project: collector/src/observability/inference/
// inference-metrics.int.test.ts.)

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const DURATIONS_MS = [5, 15, 15, 100, 700, 3000, 90_000];

let collector: RunningCollector;
beforeAll(async () => {
  collector = await startCollector();
  const now = Date.now();
  // Start times within today (UTC), which is what the counters count.
  const start = Math.max(Math.floor(now / 86_400_000) * 86_400_000, now - 60_000);
  const body = encodeSpans(
    'chat-api',
    DURATIONS_MS.map((durationMs, i) => ({
      name: 'chat llm-8b',
      startMs: start + i,
      durationMs,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'vllm',
        'gen_ai.request.model': 'llm-8b',
        'aiobs.model.version': 'v3',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20 + i,
        ...(i === 2 ? { 'error.type': 'timeout' } : {}),
        ...(i < 3 ? { 'gen_ai.response.time_to_first_chunk': 0.05 } : {}),
      },
    })),
  );
  const res = await fetch(`${collector.url}/v1/traces`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      authorization: `Bearer ${collector.apiKey}`,
    },
    body,
  });
  expect(res.status).toBe(200);
}, 120_000);

afterAll(async () => {
  expect(await collector.stop()).toBe(0);
});

function basic(password: string): string {
  return `Basic ${Buffer.from(`prometheus:${password}`).toString('base64')}`;
}

/** Scrapes until `requests_total` shows every sent span (ingest is asynchronous to the rollups' reads). */
async function scrapeUntilComplete(headers: Record<string, string>): Promise<Response> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${collector.url}/metrics/inference`, { headers });
    const text = await res.clone().text();
    if (res.status !== 200) throw new Error(`${res.status}: ${text}`);
    if (
      new RegExp(`aiobs_inference_requests_total\\{[^}]*\\} ${DURATIONS_MS.length}\\n`).test(text)
    )
      return res;
    if (Date.now() > deadline) throw new Error(`no complete scrape before the deadline:\n${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A new read-only token of `project` (POST /api/v1/projects/:id/keys with the admin token). */
async function readToken(project: string): Promise<string> {
  const res = await collector.api<{ key: string }>(`/api/v1/projects/${project}/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'read', name: 'prometheus' }),
  });
  return res.key;
}

describe('GET /metrics/inference', () => {
  test('Prometheus text with Basic auth: counts and buckets equal what was sent', async () => {
    const res = await scrapeUntilComplete({ authorization: basic(collector.adminToken) });
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const labels =
      'project="default",service="chat-api",model="llm-8b",version="v3",variant="",provider="vllm",operation="chat"';
    expect(text).toContain(`aiobs_inference_requests_total{${labels}} 7\n`);
    expect(text).toContain(`aiobs_inference_errors_total{${labels}} 1\n`);
    expect(text).toContain(`aiobs_inference_tokens_total{${labels},type="input"} 700\n`);
    expect(text).toContain(`aiobs_inference_tokens_total{${labels},type="output"} 161\n`);
    // 5, 15, 15, 100, 700, 3000, 90000 ms against 10 ms .. 81.92 s.
    const bucket = (le: string, n: number) =>
      expect(text).toContain(
        `aiobs_inference_duration_seconds_bucket{${labels},le="${le}"} ${n}\n`,
      );
    bucket('0.01', 1);
    bucket('0.02', 3);
    bucket('0.16', 4);
    bucket('0.64', 4);
    bucket('1.28', 5);
    bucket('5.12', 6);
    bucket('81.92', 6);
    bucket('+Inf', 7);
    expect(text).toContain(`aiobs_inference_duration_seconds_sum{${labels}} 93.835\n`);
    expect(text).toContain(
      `aiobs_inference_time_to_first_chunk_seconds_bucket{${labels},le="0.04"} 0\n`,
    );
    expect(text).toContain(
      `aiobs_inference_time_to_first_chunk_seconds_bucket{${labels},le="0.08"} 3\n`,
    );
  });

  test("Prometheus's own Accept header gets OpenMetrics, bearer token too", async () => {
    const res = await scrapeUntilComplete({
      authorization: `Bearer ${collector.adminToken}`,
      accept: PROMETHEUS_ACCEPT,
    });
    expect(res.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const text = await res.text();
    expect(text).toContain('# TYPE aiobs_inference_duration_seconds histogram\n');
    expect(text).toContain('# UNIT aiobs_inference_duration_seconds seconds\n');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  test('the ingest key and no credentials get 401; an empty project scrapes empty; /metrics unchanged', async () => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${collector.url}${path}`, { headers });
    expect(
      (await get('/metrics/inference', { authorization: basic(collector.apiKey) })).status,
    ).toBe(401);
    expect((await get('/metrics/inference')).status).toBe(401);
    const admin = { authorization: `Bearer ${collector.adminToken}` };
    const none = await get('/metrics/inference?project=nobody-here', admin);
    // The admin reads every project: an empty project is an empty scrape, not an error.
    expect(none.status).toBe(200);
    expect(await none.text()).not.toContain('aiobs_inference_requests_total{');
    const self = await get('/metrics', admin);
    expect(self.status).toBe(200);
    expect(await self.text()).toContain('aiobs_http_requests_total');
  });

  test('read-only tokens: their own project only (Basic auth, as Prometheus sends it)', async () => {
    await collector.api('/api/v1/projects', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'other-team', name: 'Other team' }),
    });
    const mine = await readToken('default');
    const theirs = await readToken('other-team');
    const own = await scrapeUntilComplete({ authorization: basic(mine) });
    expect(await own.text()).toContain('project="default"');
    const other = await fetch(`${collector.url}/metrics/inference`, {
      headers: { authorization: basic(theirs) },
    });
    expect(other.status).toBe(200);
    const text = await other.text();
    expect(text).toContain('# TYPE aiobs_inference_requests_total counter');
    expect(text).not.toContain('project="default"');
    const reach = await fetch(`${collector.url}/metrics/inference?project=default`, {
      headers: { authorization: basic(theirs) },
    });
    expect(reach.status).toBe(404);
  });
});
