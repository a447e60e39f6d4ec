import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ModelsResponse, PricesResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { createPricesRepo } from './prices-repo.js';
import { priceRoutes } from './prices-routes.js';
import { createModelsRepo } from './repo.js';
import { modelRoutes } from './routes.js';

// Prices belong to a project (issue 11): a project's PUT changes its own list and cost only;
// a project without a list of its own follows the instance's.

const log = pino({ level: 'silent' });
const T0 = Date.now() - 30 * 60_000;
let dir: string;
let engine: Engine;
let app: Hono<AppEnv>;

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await app.request(path, init);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} -> ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

const put = (project: string, inputPerMillion: number) =>
  json<PricesResponse>(`/prices?project=${project}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      prices: [
        {
          provider: 'acme',
          model: 'm1',
          effectiveFrom: '2020-01-01',
          inputPerMillion,
          outputPerMillion: 0,
        },
      ],
    }),
  });

const costOf = async (project: string) =>
  (
    await json<ModelsResponse>(
      `/models?project=${project}&from=${T0 - 60_000}&to=${T0 + 10 * 60_000}`,
    )
  ).models.find((m) => m.model === 'm1')?.costUsd;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-prices-project-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  // One span of 1,000,000 input tokens of acme/m1 in each of projects A and B.
  await engine.client.insert({
    table: 'otel_traces',
    format: 'JSONEachRow',
    clickhouse_settings: { date_time_input_format: 'best_effort' },
    values: ['A', 'B'].map((project, i) => ({
      Timestamp: new Date(T0 + i * 1000).toISOString(),
      TraceId: `trace-${project}`,
      SpanId: `span-${project}`,
      ServiceName: 'svc',
      ProjectId: project,
      SpanAttributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'acme',
        'gen_ai.request.model': 'm1',
        'gen_ai.usage.input_tokens': '1000000',
        'gen_ai.usage.output_tokens': '0',
      },
    })),
  });
  const db = createDb(engine);
  const prices = createPricesRepo(engine, db);
  app = new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .route(
      '/models',
      modelRoutes(createModelsRepo(db), { retention: { raw: 30, minute: 90, hour: 730 }, prices }),
    )
    .route('/prices', priceRoutes(prices));
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('prices per project', () => {
  test("a project's list changes its own cost, and the other project keeps the instance's", async () => {
    const before = await json<PricesResponse>('/prices?project=B');
    expect(before.scope).toBe('instance');
    const instanceCostB = await costOf('B');

    const a = await put('A', 7);
    expect(a.scope).toBe('project');
    expect((await json<PricesResponse>('/prices?project=A')).prices).toEqual(a.prices);
    expect(await costOf('A')).toBeCloseTo(7, 9);

    const b = await json<PricesResponse>('/prices?project=B');
    expect(b.scope).toBe('instance');
    expect(b.revision).toBe(before.revision);
    expect(await costOf('B')).toBe(instanceCostB);

    await put('B', 3);
    expect(await costOf('B')).toBeCloseTo(3, 9);
    expect(await costOf('A')).toBeCloseTo(7, 9);
  });
});
