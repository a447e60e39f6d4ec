import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';

// Signal kinds beyond thresholds, end to end: a real collector process, inferences and GPU
// metrics sent over OTLP/JSON, drafts previewed through POST /api/v1/alert-rules/preview.
// Every expected figure is computed here from what was sent.

let collector: RunningCollector;
const MIN = 60_000;

beforeAll(async () => {
  collector = await startCollector();
});

afterAll(async () => {
  await collector?.stop();
});

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(collector.url + path, {
    ...init,
    headers: {
      authorization: `Bearer ${collector.adminToken}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const post = (path: string, body: unknown) =>
  call(path, { method: 'POST', body: JSON.stringify(body) });

type Value = string | number | { double: number };
const attr = (key: string, v: Value) => ({
  key,
  value:
    typeof v === 'object'
      ? { doubleValue: v.double }
      : typeof v === 'number'
        ? { intValue: String(v) }
        : { stringValue: v },
});
const attrs = (o: Record<string, Value>) => Object.entries(o).map(([k, v]) => attr(k, v));
const ns = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

/** One inference span as sent. */
interface Sent {
  startMs: number;
  durationMs: number;
  error: boolean;
  attributes: Record<string, Value>;
}

async function ingest(path: string, body: unknown) {
  const res = await fetch(`${collector.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${collector.apiKey}` },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`POST ${path} -> ${res.status}: ${await res.text()}`);
}

async function sendSpans(host: string, spans: Sent[]) {
  await ingest('/v1/traces', {
    resourceSpans: [
      {
        resource: { attributes: attrs({ 'service.name': 'support-bot', 'host.name': host }) },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: spans.map((s) => ({
              traceId: randomBytes(16).toString('hex'),
              spanId: randomBytes(8).toString('hex'),
              name: 'chat',
              kind: 3,
              startTimeUnixNano: ns(s.startMs),
              endTimeUnixNano: ns(s.startMs + s.durationMs),
              attributes: attrs(s.attributes),
              status: s.error ? { code: 2 } : {},
            })),
          },
        ],
      },
    ],
  });
}

const chat = (model: string, extra: Record<string, Value> = {}) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 500,
  ...extra,
});

/** Previews a draft rule over `[from, to]`; returns the answer's body. */
async function preview(rule: object, from: number, to: number) {
  const r = await post(`/api/v1/alert-rules/preview?from=${from}&to=${to}`, rule);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as {
    points: { time: string; value: number | null; breach?: string; details?: any; band?: any }[];
  };
}

describe('SLO burn rate', () => {
  test('errors over the last hour page, with the burn rates and budget left of what was sent', async () => {
    const now = Date.now();
    const spans: Sent[] = [];
    // An hour of 10 requests a minute; in the last 10 minutes all of them fail: the last
    // hour burns (100 / 600) / 1% ≈ 16.7, over 14.4, and so do the last 5 minutes.
    for (let m = 60; m >= 1; m--)
      for (let i = 0; i < 10; i++)
        spans.push({
          startMs: now - m * MIN + i * 1000,
          durationMs: 50,
          error: m <= 10,
          attributes: chat('slo-model'),
        });
    await sendSpans('app-1', spans);
    const body = await preview(
      {
        signal: { kind: 'slo', objective: { kind: 'errors' }, target: 0.99, model: 'slo-model' },
        window: '5m',
        interval: '1m',
      },
      now - 10 * MIN,
      now,
    );
    const last = body.points.at(-1)!;
    expect(Date.parse(last.time)).toBe(now);
    // Windows widen at their start to the minute (rollup rows), up to `now`.
    const counts = (w: number) => {
      const from = Math.floor((now - w) / MIN) * MIN;
      const inW = spans.filter((s) => s.startMs >= from && s.startMs < now);
      return { bad: inW.filter((s) => s.error).length, total: inW.length };
    };
    const burn = (w: number) => {
      const c = counts(w);
      return c.bad / c.total / 0.01;
    };
    expect(last.details.burnRate5m).toBeCloseTo(burn(5 * MIN), 9);
    expect(last.details.burnRate1h).toBeCloseTo(burn(60 * MIN), 9);
    expect(last.value).toBeCloseTo(burn(60 * MIN), 9);
    expect(last.breach).toBe('firing');
    expect(last.details.errorBudgetRemaining).toBeCloseTo(1 - 100 / (0.01 * 600), 9);
  });

  test('a latency threshold off the bucket boundaries is refused, naming the nearest', async () => {
    const r = await post('/api/v1/alert-rules', {
      name: 'ttft slo',
      signal: { kind: 'slo', objective: { kind: 'ttft', thresholdMs: 2000 }, target: 0.99 },
      window: '5m',
    });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('signal.objective.thresholdMs');
    expect(r.body.error.message).toContain('1280 or 2560');
  });
});

describe('composite through the GPU join', () => {
  test('TTFT p95 over 2 s while a GPU of the serving host is throttled', async () => {
    const now = Date.now();
    const spans: Sent[] = Array.from({ length: 40 }, (_, i) => ({
      startMs: now - 9 * MIN + i * 10_000,
      durationMs: 4000,
      error: false,
      attributes: chat('gpu-model', {
        'gen_ai.response.time_to_first_chunk': { double: 2.5 + (i % 10) * 0.1 },
      }),
    }));
    await sendSpans('node-a', spans);
    // The agent's throttle series of two GPUs: node-a's is throttled, node-b's (serving
    // nothing) is not and must not count.
    const points = (host: string, v: number) => ({
      resource: { attributes: attrs({ 'host.name': host, 'service.name': 'aiobs-agent' }) },
      scopeMetrics: [
        {
          scope: { name: 'e2e' },
          metrics: [
            {
              name: 'aiobs.gpu.throttle.active',
              gauge: {
                dataPoints: Array.from({ length: 18 }, (_, i) => ({
                  timeUnixNano: ns(now - 9 * MIN + i * 30_000),
                  asDouble: i % 3 === 0 ? 0 : v,
                  attributes: attrs({
                    'hw.id': `GPU-${host}`,
                    'aiobs.gpu.throttle.reason': 'hw_slowdown',
                  }),
                })),
              },
            },
          ],
        },
      ],
    });
    await ingest('/v1/metrics', { resourceMetrics: [points('node-a', 1), points('node-b', 0)] });
    const body = await preview(
      {
        signal: {
          kind: 'composite',
          signals: [
            {
              signal: { kind: 'ttft', quantile: 0.95, model: 'gpu-model' },
              condition: { op: '>', threshold: 2000 },
            },
            {
              signal: { kind: 'gpuThrottling', model: 'gpu-model' },
              condition: { op: '>', threshold: 0.5 },
            },
          ],
        },
        window: '10m',
        interval: '1m',
      },
      now - 2 * MIN,
      now,
    );
    const last = body.points.at(-1)!;
    const ttfts = spans.map(
      (s) =>
        (s.attributes['gen_ai.response.time_to_first_chunk'] as { double: number }).double * 1000,
    );
    const rank = [...ttfts].sort((a, b) => a - b)[Math.floor(0.95 * (ttfts.length - 1))]!;
    expect(Math.abs(last.details.ttft / rank - 1)).toBeLessThanOrEqual(0.01);
    // Two of every three samples throttled.
    expect(last.details.gpuThrottling).toBeCloseTo(12 / 18, 9);
    expect(last.breach).toBe('firing');
  });
});

describe('budget per span attribute', () => {
  test('the worst user’s spend over the window as a share of the limit', async () => {
    await call('/api/v1/prices'); // the built-in price list is stored on first use
    const now = Date.now();
    const users = { alice: 30, bob: 12 };
    const spans: Sent[] = Object.entries(users).flatMap(([user, n]) =>
      Array.from({ length: n }, (_, i) => ({
        startMs: now - 20 * MIN + i * 20_000,
        durationMs: 100,
        error: false,
        attributes: chat('gpt-4o-mini', { 'user.id': user }),
      })),
    );
    await sendSpans('app-2', spans);
    const body = await preview(
      {
        signal: {
          kind: 'budget',
          limitUsd: 0.01,
          by: { attribute: 'user.id' },
          window: '1h',
          model: 'gpt-4o-mini',
        },
        window: '5m',
        interval: '1m',
        condition: { op: '>=', threshold: 1, warning: 0.8 },
      },
      now - MIN,
      now,
    );
    const last = body.points.at(-1)!;
    // gpt-4o-mini list price: $0.15 in, $0.60 out per million tokens.
    const perCall = (1000 * 0.15 + 500 * 0.6) / 1e6;
    expect(last.details.groups).toBe(2);
    expect(last.details.spentUsd).toBeCloseTo(30 * perCall, 12);
    expect(last.value).toBeCloseTo((30 * perCall) / 0.01, 9);
  });
});
