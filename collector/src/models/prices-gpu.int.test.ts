import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ModelsResponse, PricesResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { createPricesRepo } from './prices-repo.js';
import { priceRoutes } from './prices-routes.js';
import { createModelsRepo } from './repo.js';
import { modelRoutes } from './routes.js';

// GPU-hour pricing on the real engine: agent GPU samples and inference spans go in as
// rows of otel_metrics_gauge and otel_traces (the views build the rollups and the
// model->host map), the rates through PUT /prices, and /models must answer the cost the
// rule of prices-gpu.ts gives, computed here by hand.

const log = pino({ level: 'silent' });
const H = 3_600_000;
const MIN = 60_000;
/** Two whole UTC hours, starting yesterday 08:00. */
const H0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 16 * H;
const DAY = new Date(H0).toISOString().slice(0, 10);
let dir: string;
let engine: Engine;
let app: Hono<AppEnv>;

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await app.request(path, init);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} -> ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `n` inference spans of `model` by `service` on `host`, spread over the hour at `hourMs`. */
function spans(model: string, service: string, host: string, hourMs: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    Timestamp: iso(hourMs + ((i * 59_000) % H)),
    TraceId: `${model}-${host}-${hourMs}-${service}-${i}`,
    SpanId: `s${i}`,
    ServiceName: service,
    ResourceAttributes: { 'service.name': service, 'host.name': host },
    SpanAttributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'self-hosted',
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': '1000',
      'gen_ai.usage.output_tokens': '0',
    },
    Duration: 1_000_000,
    StatusCode: 'Unset',
    ProjectId: 'default',
  }));
}

/** Agent samples: `gpus` GPUs of `host`, two per minute and two tasks, for `minutes` from `fromMs`. */
function gpuSamples(host: string, gpus: number, fromMs: number, minutes: number) {
  const rows: object[] = [];
  for (let m = 0; m < minutes; m++)
    for (let g = 0; g < gpus; g++)
      for (const off of [5_000, 35_000])
        for (const task of ['general', 'decoder'])
          rows.push({
            ResourceAttributes: { 'host.name': host, 'service.name': 'aiobs-agent' },
            ServiceName: 'aiobs-agent',
            MetricName: 'hw.gpu.utilization',
            Attributes: { 'hw.id': `${host}-gpu${g}`, 'hw.type': 'gpu', 'hw.gpu.task': task },
            TimeUnix: iso(fromMs + m * MIN + off),
            StartTimeUnix: iso(fromMs + m * MIN + off),
            Value: 0.5,
            ProjectId: 'default',
          });
  return rows;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-gpu-cost-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  const settings = { date_time_input_format: 'best_effort' } as const;
  await engine.client.insert({
    table: 'otel_traces',
    format: 'JSONEachRow',
    clickhouse_settings: settings,
    values: [
      // Hour 0, host h1 (2 GPUs all hour): llama 20 (svc-x) + 10 (svc-y), mistral 10, gpt 20.
      ...spans('llama', 'svc-x', 'h1', H0, 20),
      ...spans('llama', 'svc-y', 'h1', H0, 10),
      ...spans('mistral', 'svc-x', 'h1', H0, 10),
      ...spans('gpt-4o', 'svc-x', 'h1', H0, 20),
      // Hour 0, host h2 (1 GPU all hour): llama 10 (svc-x).
      ...spans('llama', 'svc-x', 'h2', H0, 10),
      // Hour 1, host h1 (2 GPUs for 30 minutes): llama 10, mistral 10 (svc-y).
      ...spans('llama', 'svc-y', 'h1', H0 + H, 10),
      ...spans('mistral', 'svc-y', 'h1', H0 + H, 10),
      // A host with no agent data.
      ...spans('llama', 'svc-x', 'h4', H0, 7),
    ],
  });
  await engine.client.insert({
    table: 'otel_metrics_gauge',
    format: 'JSONEachRow',
    clickhouse_settings: settings,
    values: [
      ...gpuSamples('h1', 2, H0, 60),
      ...gpuSamples('h1', 2, H0 + H, 30),
      ...gpuSamples('h2', 1, H0, 60),
      ...gpuSamples('h3', 4, H0, 60), // served nothing
    ],
  });
  const db = createDb(engine);
  const prices = createPricesRepo(engine, db);
  const retention = { raw: 30, minute: 90, hour: 730 };
  // The shape app.onError renders: {"error": {"code", "message", "field"}}.
  app = new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .onError((err, c) => {
      if (!(err instanceof AppError)) return c.text(String(err), 500);
      return c.json(
        { error: { code: err.code, message: err.message, field: err.options.field } },
        err.status,
      );
    })
    .route('/models', modelRoutes(createModelsRepo(db), { retention, prices }))
    .route('/prices', priceRoutes(prices));
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const put = (prices: object[]) =>
  request<PricesResponse>('/prices', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prices }),
  });

describe('GPU-hour pricing', () => {
  test('GPU-hours of the serving hosts are split by request share (exact figures)', async () => {
    const list = await put([
      { provider: 'self-hosted', model: 'llama', effectiveFrom: DAY, gpuHourUsd: 2.5 },
      {
        provider: 'self-hosted',
        model: 'mistral',
        effectiveFrom: DAY,
        gpuHourUsd: 4,
        inputPerMillion: 1,
      },
    ]);
    expect(list.prices.find((p) => p.model === 'llama')).toMatchObject({
      gpuHourUsd: 2.5,
      inputPerMillion: 0,
    });
    const range = `from=${H0}&to=${H0 + 2 * H}`;
    const costs = async (q = '') => {
      const body = await request<ModelsResponse>(`/models?${range}${q}`);
      return Object.fromEntries(body.models.map((m) => [m.model, m.costUsd]));
    };
    const all = await costs();
    // llama: h1 hour 0: 2 GPU-h x 2.5 x 30/60; h2: 1 x 2.5 x 10/10; h1 hour 1: 1 x 2.5 x 10/20.
    expect(all.llama).toBeCloseTo(2.5 + 2.5 + 1.25, 9);
    // mistral: 2 x 4 x 10/60 + 1 x 4 x 10/20, plus its tokens: 20 x 1000 at 1 USD/M.
    expect(all.mistral).toBeCloseTo(8 / 6 + 2 + 0.02, 9);
    expect(all['gpt-4o']).toBe(0);
    // One service: only its requests are the model's own; the host's total stays all of them.
    const x = await costs('&service=svc-x');
    expect(x.llama).toBeCloseTo(2 * 2.5 * (20 / 60) + 2.5, 9);
    expect(x.mistral).toBeCloseTo(2 * 4 * (10 / 60) + 0.01, 9);
    // Only the first hour.
    const first = await request<ModelsResponse>(`/models?from=${H0}&to=${H0 + H}`);
    const llama = first.models.find((m) => m.model === 'llama');
    expect(llama?.costUsd).toBeCloseTo(2.5 + 2.5, 9);
  });

  test('a rate dated after the range prices nothing; the list says what is set', async () => {
    const tomorrow = new Date(H0 + 2 * 86_400_000).toISOString().slice(0, 10);
    await put([
      { provider: 'self-hosted', model: 'llama', effectiveFrom: tomorrow, gpuHourUsd: 9 },
    ]);
    const body = await request<ModelsResponse>(`/models?from=${H0}&to=${H0 + 2 * H}`);
    expect(body.models.find((m) => m.model === 'llama')?.costUsd).toBe(0);
    const got = await request<PricesResponse>('/prices');
    expect(got.prices).toEqual([
      {
        provider: 'self-hosted',
        model: 'llama',
        effectiveFrom: tomorrow,
        inputPerMillion: 0,
        outputPerMillion: 0,
        cacheReadPerMillion: 0,
        gpuHourUsd: 9,
      },
    ]);
  });

  test('an entry needs a token or a GPU-hour price; two GPU-hour rates of one model and day are refused', async () => {
    const bad = await app.request('/prices', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prices: [{ provider: 'p', model: 'm' }] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe(
      'prices.0.inputPerMillion',
    );
    const twice = await app.request('/prices', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        prices: [
          { provider: 'a', model: 'm', gpuHourUsd: 1 },
          { provider: 'b', model: 'm', gpuHourUsd: 2 },
        ],
      }),
    });
    expect(twice.status).toBe(400);
  });
});
