import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// The model API end to end: a real collector process, GenAI spans sent by the official
// OpenTelemetry SDK (protobuf and JSON exporters), every figure compared with one computed
// here from what the app reports having sent.

const run = promisify(execFile);
const MIN = 60_000;

interface Sent {
  traceId: string;
  spanId: string;
  model: string;
  version: string;
  variant: string;
  startNs: string;
  durationNs: number;
  ttftS?: number;
  queueWaitS?: number;
  cacheHit: boolean;
  error: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
}

let collector: RunningCollector;
/** The price list before any PUT: the built-in defaults. */
let initialPrices: { prices: { provider: string; model: string }[] };
beforeAll(async () => {
  collector = await startCollector();
  initialPrices = await collector.api('/api/v1/prices');
});
afterAll(async () => {
  expect(await collector.stop()).toBe(0);
});

const startMs = (s: Sent) => Number(BigInt(s.startNs) / 1_000_000n);

/** Element at 0-based rank floor(q·(n−1)): what the API's quantiles approximate within 1%. */
function rankQuantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function expectWithin1Pct(got: number | null, want: number | null, label: string) {
  if (want === null) return expect(got, label).toBeNull();
  expect(got, label).not.toBeNull();
  expect(Math.abs(got! / want - 1), `${label}: ${got} vs ${want}`).toBeLessThanOrEqual(0.01);
}

function expectStats(got: Record<string, any>, rows: Sent[], label: string) {
  const durations = rows.map((r) => r.durationNs / 1e6);
  const ttfts = rows.filter((r) => r.ttftS !== undefined).map((r) => r.ttftS! * 1000);
  const waits = rows.filter((r) => r.queueWaitS !== undefined).map((r) => r.queueWaitS! * 1000);
  const errors = rows.filter((r) => r.error).length;
  const hits = rows.filter((r) => r.cacheHit).length;
  expect(got, label).toMatchObject({
    requests: rows.length,
    errors,
    streams: ttfts.length,
    cacheHits: hits,
    inputTokens: rows.reduce((a, r) => a + r.inputTokens, 0),
    outputTokens: rows.reduce((a, r) => a + r.outputTokens, 0),
    cacheReadTokens: rows.reduce((a, r) => a + r.cacheReadTokens, 0),
    costUsd: 0,
  });
  expect(got.errorRate, label).toBeCloseTo(errors / rows.length, 12);
  expect(got.cacheHitRate, label).toBeCloseTo(hits / rows.length, 12);
  for (const [key, values, q] of [
    ['latencyP50Ms', durations, 0.5],
    ['latencyP95Ms', durations, 0.95],
    ['latencyP99Ms', durations, 0.99],
    ['ttftP95Ms', ttfts, 0.95],
    ['queueWaitP95Ms', waits, 0.95],
  ] as const)
    expectWithin1Pct(got[key], rankQuantile([...values], q), `${label} ${key}`);
}

describe.each([
  ['http/protobuf', 'proto', 90],
  ['http/json', 'json', 200],
] as const)('model API over GenAI spans sent with %s', (protocol, runId, minutesAgo) => {
  let sent: Sent[];
  const service = `genai-${runId}`;
  const llm = `acme/llm-${runId}`;
  const baseMs = Math.floor((Date.now() - minutesAgo * MIN) / MIN) * MIN;
  // Covers every span (120 spans, 7 s apart = 14 min) on whole minutes.
  const range = `from=${baseMs}&to=${baseMs + 20 * MIN}`;

  beforeAll(async () => {
    const { stdout } = await run(
      process.execPath,
      [join(import.meta.dirname, 'apps', 'genai-app.mjs')],
      {
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${collector.apiKey}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_SERVICE_NAME: service,
          OTEL_LOG_LEVEL: 'error',
          RUN_ID: runId,
          BASE_MS: String(baseMs),
        },
      },
    );
    sent = JSON.parse(stdout.trim().split('\n').pop()!) as Sent[];
  });

  test('GET /api/v1/models: every model with exact counts and quantiles within 1%', async () => {
    for (const level of ['auto', 'raw', '1m']) {
      const res = await collector.api<Record<string, any>>(
        `/api/v1/models?${range}&service=${service}&level=${level}`,
      );
      expect(res.models.map((m: any) => m.model).sort(), level).toEqual(
        [llm, `hf/bert-${runId}`].sort(),
      );
      for (const m of res.models) {
        const rows = sent.filter((s) => s.model === m.model);
        expectStats(m, rows, `${level} ${m.model}`);
        expect(m.versions).toEqual(['v1', 'v2']);
        expect(m.variants).toEqual(['canary', 'control']);
        expect(m.services).toEqual([service]);
      }
    }
  });

  test('GET /api/v1/models/series: per-minute buckets per arm match what was sent', async () => {
    const res = await collector.api<Record<string, any>>(
      `/api/v1/models/series?${range}&service=${service}&model=${encodeURIComponent(llm)}&groupBy=variant&step=1m&metric=requests,errors,latencyP95&metric=ttftP95`,
    );
    expect(res.level).toBe('1m');
    expect(res.metrics).toEqual(['requests', 'errors', 'latencyP95', 'ttftP95']);
    expect(res.series.map((s: any) => s.group.variant).sort()).toEqual(['canary', 'control']);
    let total = 0;
    for (const line of res.series) {
      expect(line.points).toHaveLength(20);
      for (const p of line.points) {
        const t = Date.parse(p.time);
        const rows = sent.filter(
          (s) =>
            s.model === llm &&
            s.variant === line.group.variant &&
            startMs(s) >= t &&
            startMs(s) < t + MIN,
        );
        total += p.requests;
        expect(p.requests, p.time).toBe(rows.length);
        expect(p.errors, p.time).toBe(rows.filter((r) => r.error).length);
        expectWithin1Pct(
          p.latencyP95,
          rankQuantile(
            rows.map((r) => r.durationNs / 1e6),
            0.95,
          ),
          `${p.time} latencyP95`,
        );
        expectWithin1Pct(
          p.ttftP95,
          rankQuantile(
            rows.filter((r) => r.ttftS !== undefined).map((r) => r.ttftS! * 1000),
            0.95,
          ),
          `${p.time} ttftP95`,
        );
      }
    }
    expect(total).toBe(sent.filter((s) => s.model === llm).length);
  });

  test('GET /api/v1/models/compare: two versions side by side', async () => {
    const res = await collector.api<Record<string, any>>(
      `/api/v1/models/compare?${range}&service=${service}&model=${encodeURIComponent(llm)}&a=version:v1&b=version:v2`,
    );
    const rows = sent.filter((s) => s.model === llm);
    expectStats(
      res.a,
      rows.filter((r) => r.version === 'v1'),
      'v1',
    );
    expectStats(
      res.b,
      rows.filter((r) => r.version === 'v2'),
      'v2',
    );
    expect(res.delta.requests).toBe(res.b.requests - res.a.requests);
    expect(res.delta.latencyP95Ms).toBeCloseTo(res.b.latencyP95Ms - res.a.latencyP95Ms, 9);
  });

  test('GET /api/v1/models/slowest: slowest inferences with their trace ids', async () => {
    const res = await collector.api<Record<string, any>>(
      `/api/v1/models/slowest?${range}&service=${service}&model=${encodeURIComponent(llm)}&limit=5`,
    );
    const want = sent
      .filter((s) => s.model === llm)
      .sort((a, b) => b.durationNs - a.durationNs)
      .slice(0, 5);
    expect(res.inferences.map((r: any) => [r.traceId, r.spanId, r.durationMs])).toEqual(
      want.map((w) => [w.traceId, w.spanId, w.durationNs / 1e6]),
    );
    expect(res.inferences[0]).toMatchObject({
      service,
      hostName: `gpu-${runId}`,
      k8sNodeName: `node-${runId}`,
      requestModel: llm,
      operation: 'chat',
      provider: 'openai',
    });
  });

  test('PUT /api/v1/prices: tokens of the model become cost at its price', async () => {
    const price = {
      provider: 'openai',
      model: llm,
      effectiveFrom: '2020-01-01',
      inputPerMillion: 3,
      outputPerMillion: 15,
      cacheReadPerMillion: 0.3,
    };
    const put = await collector.api<{ prices: unknown[] }>('/api/v1/prices', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prices: [price] }),
    });
    expect(put.prices).toEqual([price]);
    expect((await collector.api<{ prices: unknown[] }>('/api/v1/prices')).prices).toEqual([price]);
    const res = await collector.api<Record<string, any>>(
      `/api/v1/models?${range}&service=${service}&model=${encodeURIComponent(llm)}`,
    );
    const want = sent
      .filter((s) => s.model === llm)
      .reduce(
        (a, s) =>
          a +
          ((s.inputTokens - s.cacheReadTokens) * 3 +
            s.cacheReadTokens * 0.3 +
            s.outputTokens * 15) /
            1e6,
        0,
      );
    expect(res.models[0].costUsd).toBeCloseTo(want, 9);
  });

  test('GET /api/v1/changes: the models and the v2 rollout appear when they started', async () => {
    const res = await collector.api<Record<string, any>>(`/api/v1/changes?${range}`);
    const mine = res.changes.filter((c: any) => c.model.endsWith(`-${runId}`));
    const first = (f: (s: Sent) => boolean) =>
      new Date(Math.min(...sent.filter(f).map(startMs))).toISOString();
    expect(mine).toContainEqual(
      expect.objectContaining({
        kind: 'model',
        model: llm,
        firstSeen: first((s) => s.model === llm),
      }),
    );
    expect(mine).toContainEqual(
      expect.objectContaining({
        kind: 'version',
        model: llm,
        version: 'v2',
        firstSeen: first((s) => s.model === llm && s.version === 'v2'),
      }),
    );
  });
});

describe('model API input checks', () => {
  test.each([
    ['/api/v1/models/series?step=0', 'step'],
    ['/api/v1/models/series?metric=latencyP42', 'metric'],
    ['/api/v1/models/series?groupBy=host', 'groupBy'],
    ['/api/v1/models/series?step=30s&level=1m', 'level'],
    ['/api/v1/models?level=5m', 'level'],
    ['/api/v1/models?from=yesterday', 'from'],
    ['/api/v1/models?limit=0', 'limit'],
    ['/api/v1/models/compare?a=version:v1&b=version:v2', 'model'],
    ['/api/v1/models/compare?model=m&a=model:x&b=version:v2', 'a'],
    ['/api/v1/models/compare?model=m&a=version:v1', 'b'],
    ['/api/v1/models/slowest?project=bad%20name', 'project'],
    [`/api/v1/models?model=${'x'.repeat(300)}`, 'model'],
    ['/api/v1/changes?from=5&to=4', 'from'],
    ['/api/v1/models/gpu', 'model'],
    ['/api/v1/models/gpu?traceId=xyz', 'traceId'],
    ['/api/v1/scaling', 'model'],
    ['/api/v1/scaling?model=m&window=2d', 'window'],
    ['/api/v1/scaling?model=m&window=soon', 'window'],
    ['/api/v1/scaling?model=m&percentile=0.42', 'percentile'],
  ])('%s answers 400 naming %s', async (path, field) => {
    const res = await fetch(collector.url + path, {
      headers: { authorization: `Bearer ${collector.adminToken}` },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; field?: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.field).toBe(field);
  });

  test('GET /api/v1/prices starts with the built-in list of common hosted models', () => {
    expect(initialPrices.prices).toContainEqual(
      expect.objectContaining({ provider: 'openai', model: 'gpt-4o' }),
    );
    expect(initialPrices.prices).toContainEqual(
      expect.objectContaining({ provider: 'anthropic', model: 'claude-sonnet-4-0' }),
    );
  });

  test.each([
    ['not json', undefined],
    [
      JSON.stringify({ prices: [{ provider: 'openai', model: 'x', inputPerMillion: -1 }] }),
      'prices.0.inputPerMillion',
    ],
    [
      JSON.stringify({
        prices: [{ provider: 'openai', model: 'x', inputPerMillion: 1, effectiveFrom: 'soon' }],
      }),
      'prices.0.effectiveFrom',
    ],
    [
      JSON.stringify({
        prices: [
          { provider: 'o', model: 'x', inputPerMillion: 1 },
          { provider: 'o', model: 'x', inputPerMillion: 2 },
        ],
      }),
      'prices',
    ],
    [JSON.stringify({}), 'prices'],
  ])('PUT /api/v1/prices with %s answers 400', async (body, field) => {
    const res = await fetch(`${collector.url}/api/v1/prices`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${collector.adminToken}`,
        'content-type': 'application/json',
      },
      body,
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; field?: string } };
    expect(json.error.code).toBe('bad_request');
    expect(json.error.field).toBe(field);
  });

  test('random query strings on the model routes: 2xx or 4xx with the error shape, never 5xx', async () => {
    const routes = [
      '/api/v1/models',
      '/api/v1/models/series',
      '/api/v1/models/compare',
      '/api/v1/models/slowest',
      '/api/v1/models/gpu',
      '/api/v1/changes',
      '/api/v1/scaling',
      '/api/v1/prices',
    ];
    const names = [
      'model',
      'service',
      'version',
      'variant',
      'provider',
      'operation',
      'traceId',
      'from',
      'to',
      'at',
      'step',
      'window',
      'percentile',
      'level',
      'metric',
      'groupBy',
      'a',
      'b',
      'limit',
      'project',
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '0',
        '-1',
        '1e308',
        'NaN',
        '5m',
        '0.95',
        '1h',
        'raw',
        'version:v1',
        'variant:',
        'ab'.repeat(16),
        `${Date.now()}`,
        '2026-13-45T99:99:99Z',
        '9'.repeat(25),
      ),
    );
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(fc.tuple(fc.constantFrom(...names), value), { maxLength: 6 }),
        async (route, params) => {
          const qs = new URLSearchParams(params).toString();
          const res = await fetch(`${collector.url}${route}?${qs}`, {
            headers: { authorization: `Bearer ${collector.adminToken}` },
          });
          const body = await res.text();
          if (res.status >= 500) failures.push(`${route}?${qs} -> ${res.status} ${body}`);
          else if (res.status >= 400) {
            const err = (JSON.parse(body) as { error?: { code?: string } }).error;
            if (!err?.code) failures.push(`${route}?${qs} -> ${res.status} without error shape`);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(failures).toEqual([]);
  });

  test('the model routes need the admin token', async () => {
    const anon = await fetch(`${collector.url}/api/v1/models`);
    expect(anon.status).toBe(401);
    const ingest = await fetch(`${collector.url}/api/v1/changes`, {
      headers: { authorization: `Bearer ${collector.apiKey}` },
    });
    expect(ingest.status).toBe(401);
    const put = await fetch(`${collector.url}/api/v1/prices`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${collector.apiKey}` },
      body: '{"prices":[]}',
    });
    expect(put.status).toBe(401);
  });
});
