import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AccessCache } from '../../auth/access-cache.js';
import { Authenticator } from '../../auth/authenticator.js';
import { hashKey } from '../../auth/keys.js';
import { loadConfig } from '../../config.js';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../middleware/auth.js';
import { createAuthRepo } from '../../storage/auth-repo.js';
import { createDb } from '../../storage/db.js';
import { type Engine, openEngine } from '../../storage/engine.js';
import { migrate } from '../../storage/migrate.js';
import { ROLLUP_BUCKETS_MS } from './families.js';
import { createInferenceMetricsRepo } from './repo.js';
import { inferenceMetricsRoutes } from './routes.js';

// /metrics/inference on the embedded engine: inference rows of two projects (and of
// yesterday, which today's counters must leave out) and GPU minutes are written into the
// stored tables, the rollups' views do the rest, and every figure scraped is compared with
// one computed here from the seeded rows. Read tokens are stored with the auth repository.

const log = pino({ level: 'silent' });
const DAY = 86_400_000;
const MIN = 60_000;
const READ_P1 = 'aiobs_rk_p1-read-token-for-tests';
const READ_P2 = 'aiobs_rk_p2-read-token-for-tests';
const INGEST_P1 = 'aiobs_ik_p1-ingest-key-for-tests';
const ADMIN = 'aiobs_at_admin-token-for-tests';
const PRICED = { provider: 'acme', model: 'acme/priced', input: 2, output: 8 };

interface Seed {
  project: string;
  timeMs: number;
  model: string;
  version: string;
  durationMs: number;
  ttftMs: number | null;
  isError: boolean;
  input: number;
  output: number;
}

let dir: string;
let engine: Engine;
let app: Hono<AppEnv>;
let seeds: Seed[];
const now = Date.now();
const dayStart = Math.floor(now / DAY) * DAY;
// Today's rows lie between 00:00 UTC and now, whatever the hour the test runs at.
const todayFrom = Math.max(dayStart, now - 30 * MIN);

/** A deterministic spread of rows: durations across every bucket, a third streaming. */
function makeSeeds(project: string, count: number, fromMs: number, spanMs: number): Seed[] {
  return Array.from({ length: count }, (_, i) => ({
    project,
    timeMs: fromMs + Math.floor((i * spanMs) / count),
    model: i % 4 === 0 ? PRICED.model : 'local/resnet',
    version: i % 3 === 0 ? 'v1' : 'v2',
    // 3 ms .. ~120 s, with some exactly on bucket bounds (le is inclusive); odd rows stream.
    durationMs: i % 7 === 0 ? ROLLUP_BUCKETS_MS[i % 14]! : 3 * 1.5 ** (i % 26),
    ttftMs: i % 2 === 1 ? 5 * 1.7 ** (i % 17) : null,
    isError: i % 5 === 0,
    input: 100 + i,
    output: 10 + (i % 9),
  }));
}

async function insertInferences(rows: Seed[]) {
  await engine.client.insert({
    table: 'aiobs_inferences',
    format: 'JSONEachRow',
    values: rows.map((r, i) => ({
      project_id: r.project,
      time: new Date(r.timeMs).toISOString().replace('T', ' ').replace('Z', ''),
      service: 'svc',
      operation: r.model === PRICED.model ? 'chat' : 'predict',
      provider: r.model === PRICED.model ? PRICED.provider : 'local',
      model: r.model,
      request_model: r.model,
      version: r.version,
      variant: '',
      duration_ms: r.durationMs,
      ttft_ms: r.ttftMs,
      input_tokens: r.input,
      output_tokens: r.output,
      is_error: r.isError ? 1 : 0,
      trace_id: `t${i}`,
      span_id: `s${i}`,
    })),
  });
}

function scrape(path: string, headers: Record<string, string>) {
  return app.request(path, { headers });
}

/** Sample values by their full `name{labels}` text. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of text.split('\n')) {
    if (l === '' || l.startsWith('#')) continue;
    const i = l.lastIndexOf(' ');
    out.set(l.slice(0, i), Number(l.slice(i + 1)));
  }
  return out;
}

function labelsOf(project: string, model: string, version: string): string {
  const priced = model === PRICED.model;
  return [
    `project="${project}"`,
    'service="svc"',
    `model="${model}"`,
    `version="${version}"`,
    'variant=""',
    `provider="${priced ? PRICED.provider : 'local'}"`,
    `operation="${priced ? 'chat' : 'predict'}"`,
  ].join(',');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-prom-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  const keys = createAuthRepo(engine);
  const key = (k: string, projectId: string, kind: 'read' | 'ingest' | 'admin') =>
    keys.insertKey({
      hash: hashKey(k),
      id: k.slice(-8),
      prefix: k.slice(0, 12),
      projectId,
      kind,
      name: k,
    });
  await key(READ_P1, 'p1', 'read');
  await key(READ_P2, 'p2', 'read');
  await key(INGEST_P1, 'p1', 'ingest');
  await key(ADMIN, 'default', 'admin');
  await engine.client.insert({
    table: 'aiobs_prices',
    format: 'JSONEachRow',
    values: [
      {
        revision: 1,
        provider: PRICED.provider,
        model: PRICED.model,
        effective_from: '1970-01-01',
        input_per_million: PRICED.input,
        output_per_million: PRICED.output,
        cache_read_per_million: PRICED.input,
        source: 'test',
      },
    ],
  });
  seeds = [
    ...makeSeeds('p1', 300, todayFrom, now - todayFrom),
    ...makeSeeds('p2', 90, todayFrom, now - todayFrom).map((s) => ({ ...s, version: 'p2only' })),
  ];
  const yesterday = makeSeeds('p1', 50, dayStart - DAY + 3_600_000, 3_600_000);
  // Several inserts: the rollups' parts are not merged, and totals must not care.
  await insertInferences(seeds.slice(0, 150));
  await insertInferences(seeds.slice(150));
  await insertInferences(yesterday);
  // GPU minutes: an old minute (reported before the latest) and the latest, for two tasks.
  const minute = (ms: number) =>
    new Date(Math.floor(ms / MIN) * MIN).toISOString().slice(0, 19).replace('T', ' ');
  const gpuRow = (project: string, ts: string, task: string, sum: number, count: number) => ({
    project_id: project,
    host: 'gpu-host-1',
    gpu: 'GPU-aaaa',
    metric: 'hw.gpu.utilization',
    detail: JSON.stringify({ 'hw.gpu.task': task }),
    ts,
    gpu_name: 'NVIDIA H100',
    value_sum: sum,
    value_count: count,
    value_min: 0,
    value_max: 1,
  });
  await engine.client.insert({
    table: 'aiobs_host_metrics_1m',
    format: 'JSONEachRow',
    values: [
      gpuRow('p1', minute(now - 3 * MIN), 'general', 0.2 * 6, 6),
      gpuRow('p1', minute(now - MIN), 'general', 0.9 * 6, 6),
      gpuRow('p1', minute(now - MIN), 'decoder', 0.1 * 3, 3),
      gpuRow('p2', minute(now - MIN), 'general', 0.5, 1),
      gpuRow('p1', minute(now - 20 * MIN), 'encoder', 0.4, 1),
    ],
  });

  const authenticator = new Authenticator(keys);
  const access = new AccessCache({
    users: { findById: async () => undefined },
    members: { rolesOf: async () => new Map() },
  });
  app = new Hono<AppEnv>()
    .route(
      '/metrics/inference',
      inferenceMetricsRoutes({
        repo: createInferenceMetricsRepo(createDb(engine)),
        authenticator,
        access,
      }),
    )
    // The shape app.onError renders: {"error": {"code", "message", "field"}}.
    .onError((err, c) => {
      if (err instanceof AppError)
        return c.json({ error: { code: err.code, message: err.message } }, err.status);
      throw err;
    });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /metrics/inference', () => {
  test('values match the seeded rows of the token project exactly; the other never appears', async () => {
    const res = await scrape('/metrics/inference', { authorization: `Bearer ${READ_P1}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).not.toContain('p2');
    const got = samples(text);
    const mine = seeds.filter((s) => s.project === 'p1');
    const groups = new Map<string, Seed[]>();
    for (const s of mine) {
      const k = labelsOf('p1', s.model, s.version);
      groups.set(k, [...(groups.get(k) ?? []), s]);
    }
    expect(groups.size).toBe(4);
    let series = 0;
    for (const [labels, rows] of groups) {
      const streams = rows.filter((r) => r.ttftMs !== null);
      expect(got.get(`aiobs_inference_requests_total{${labels}}`)).toBe(rows.length);
      expect(got.get(`aiobs_inference_errors_total{${labels}}`)).toBe(
        rows.filter((r) => r.isError).length,
      );
      const input = rows.reduce((a, r) => a + r.input, 0);
      const output = rows.reduce((a, r) => a + r.output, 0);
      expect(got.get(`aiobs_inference_tokens_total{${labels},type="input"}`)).toBe(input);
      expect(got.get(`aiobs_inference_tokens_total{${labels},type="output"}`)).toBe(output);
      const cost =
        rows[0]!.model === PRICED.model ? (input * PRICED.input + output * PRICED.output) / 1e6 : 0;
      expect(got.get(`aiobs_inference_cost_usd_total{${labels}}`)).toBeCloseTo(cost, 9);
      for (const ms of ROLLUP_BUCKETS_MS) {
        const le = String(ms / 1000);
        expect(got.get(`aiobs_inference_duration_seconds_bucket{${labels},le="${le}"}`), le).toBe(
          rows.filter((r) => r.durationMs <= ms).length,
        );
        const ttftBucket = `aiobs_inference_time_to_first_chunk_seconds_bucket{${labels},le="${le}"}`;
        // A key without streams has no TTFT series at all.
        if (streams.length === 0) expect(got.has(ttftBucket)).toBe(false);
        else expect(got.get(ttftBucket)).toBe(streams.filter((r) => r.ttftMs! <= ms).length);
      }
      expect(got.get(`aiobs_inference_duration_seconds_bucket{${labels},le="+Inf"}`)).toBe(
        rows.length,
      );
      expect(got.get(`aiobs_inference_duration_seconds_count{${labels}}`)).toBe(rows.length);
      expect(got.get(`aiobs_inference_duration_seconds_sum{${labels}}`)).toBeCloseTo(
        rows.reduce((a, r) => a + r.durationMs, 0) / 1000,
        6,
      );
      expect(got.get(`aiobs_inference_time_to_first_chunk_seconds_count{${labels}}`)).toBe(
        streams.length || undefined,
      );
      series++;
    }
    expect(series).toBe(4);
    expect([...groups.values()].some((rows) => rows.every((r) => r.ttftMs === null))).toBe(true);
    // Yesterday's rows (50 more in p1) are not in today's counters.
    const total = [...got].filter(([k]) => k.startsWith('aiobs_inference_requests_total'));
    expect(total.reduce((a, [, v]) => a + v, 0)).toBe(mine.length);
    // The latest reported minute per task; a task silent for 20 minutes is gone.
    const gpu = 'project="p1",host="gpu-host-1",gpu="GPU-aaaa",gpu_name="NVIDIA H100"';
    expect(got.get(`aiobs_gpu_utilization_ratio{${gpu},task="general"}`)).toBeCloseTo(0.9, 9);
    expect(got.get(`aiobs_gpu_utilization_ratio{${gpu},task="decoder"}`)).toBeCloseTo(0.1, 9);
    expect(text).not.toContain('task="encoder"');
  });

  test('HTTP Basic auth (the password is the read token) reads the same project', async () => {
    const basic = Buffer.from(`prometheus:${READ_P2}`).toString('base64');
    const res = await scrape('/metrics/inference', { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
    const got = samples(await res.text());
    const p2 = seeds.filter((s) => s.project === 'p2');
    const total = [...got].filter(([k]) => k.startsWith('aiobs_inference_requests_total'));
    expect(total.every(([k]) => k.includes('project="p2"'))).toBe(true);
    expect(total.reduce((a, [, v]) => a + v, 0)).toBe(p2.length);
  });

  test('OpenMetrics when asked: its content type, _created at 00:00 UTC, # EOF', async () => {
    const res = await scrape('/metrics/inference', {
      authorization: `Bearer ${READ_P1}`,
      accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    });
    expect(res.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const text = await res.text();
    expect(text).toContain('# TYPE aiobs_inference_requests counter\n');
    expect(text).toMatch(
      new RegExp(`aiobs_inference_requests_created\\{[^}]*\\} ${dayStart / 1000}\\n`),
    );
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  test('the admin token names the project; read tokens cannot reach another project', async () => {
    const admin = await scrape('/metrics/inference?project=p2', {
      authorization: `Bearer ${ADMIN}`,
    });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('project="p2"');
    const other = await scrape('/metrics/inference?project=p2', {
      authorization: `Bearer ${READ_P1}`,
    });
    expect(other.status).toBe(404);
    const own = await scrape('/metrics/inference?project=p1', {
      authorization: `Bearer ${READ_P1}`,
    });
    expect(own.status).toBe(200);
  });

  test('ingest keys, wrong tokens and no credentials get 401; a bad project name 400', async () => {
    for (const headers of [
      { authorization: `Bearer ${INGEST_P1}` },
      { authorization: 'Bearer aiobs_rk_not-a-token' },
      {} as Record<string, string>,
    ])
      expect((await scrape('/metrics/inference', headers)).status).toBe(401);
    const bad = await scrape('/metrics/inference?project=a%20b', {
      authorization: `Bearer ${ADMIN}`,
    });
    expect(bad.status).toBe(400);
  });
});
