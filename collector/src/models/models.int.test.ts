import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  ChangesResponse,
  InferenceStats,
  ModelCompareResponse,
  ModelDimensionsResponse,
  ModelSeriesResponse,
  ModelsResponse,
  SeriesMetric,
  SeriesPoint,
  SlowestResponse,
} from '../api/types.js';
import { loadConfig } from '../config.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { cumulativeBuckets, expectedStats } from './__fixtures__/expected.js';
import { makeInferences, type SeedInference, toTraceRows } from './__fixtures__/seed.js';
import { createGpuRepo } from './gpu-repo.js';
import { gpuRoutes } from './gpu-routes.js';
import { costOf, type Price } from './prices.js';
import { createPricesRepo } from './prices-repo.js';
import { priceRoutes } from './prices-routes.js';
import { createModelsRepo } from './repo.js';
import { changeRoutes, modelRoutes } from './routes.js';
import { createScalingRepo } from './scaling-repo.js';
import { scalingRoutes } from './scaling-routes.js';
import { SERIES_METRICS } from './stats.js';

// Known inferences are written into otel_traces as span rows (as the exporter flattens
// them), in several inserts, the late ones after their minute was rolled up; the
// materialized views do the rest. Every figure the API returns is compared with one
// computed here from what was sent. (test/models-api.test.ts covers the OTLP path.)

// A time zone with a half-hour offset, set before the engine starts: hourly buckets must
// still be UTC hours (ClickHouse's toStartOfHour follows the server's zone unless told).
process.env.TZ = 'Asia/Kolkata';

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const MIN = 60_000;
const LLM = 'acme/gpt-x:2025';
const CLASSIC = 'local/resnet-50';
let dir: string;
let engine: Engine;
let app: Hono<AppEnv>;
/** Everything the default project holds, late spans included. */
let all: SeedInference[];
let other: SeedInference[];
let late: SeedInference[];
/** Start of the hour the seeds begin in (3 hours ago). */
const T0 = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
const LATE_MINUTE = T0 + 10 * MIN;
const DAY = 86_400_000;
/** Start of today (UTC): priced inferences run two days and one day before it. */
const D = Math.floor(Date.now() / DAY) * DAY;
const PRICED = 'acme/priced';
let priced: SeedInference[];

async function get<T>(path: string): Promise<T> {
  const res = await app.request(path);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} -> ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Writes span rows into otel_traces in one insert, as any writer (a stock OTel Collector) would. */
async function insertSpans(rows: object[]) {
  await engine.client.insert({
    table: 'otel_traces',
    values: rows,
    format: 'JSONEachRow',
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-models-int-'));
  const config = loadConfig({ dataDir: dir }, {});
  engine = await openEngine(config);
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  const main = makeInferences({
    project: 'default',
    firstId: 0,
    count: 1200,
    startMs: T0,
    spanMs: 3 * HOUR,
    v2FromMs: T0 + HOUR,
    seed: 1,
  });
  other = makeInferences({
    project: 'other',
    firstId: 50_000,
    count: 200,
    startMs: T0,
    spanMs: 3 * HOUR,
    v2FromMs: T0,
    seed: 2,
    models: [LLM, 'other-only'],
  });
  // Late spans: sent after their minute's rollup rows exist; they must join that minute.
  late = makeInferences({
    project: 'default',
    firstId: 10_000,
    count: 30,
    startMs: LATE_MINUTE + 1000,
    spanMs: 50_000,
    v2FromMs: T0 + HOUR,
    seed: 3,
  });
  // Inferences of a model whose price changes between them: 2 and 1 days ago, 06:00 UTC.
  priced = [D - 2 * DAY, D - DAY].flatMap((day, k) =>
    makeInferences({
      project: 'default',
      firstId: 20_000 + k * 100,
      count: 40,
      startMs: day + 6 * HOUR,
      spanMs: HOUR,
      v2FromMs: day,
      seed: 4 + k,
      models: [PRICED, PRICED],
    }),
  );
  await insertSpans(toTraceRows(priced));
  await insertSpans(toTraceRows(main.slice(0, 600), 25));
  await insertSpans(toTraceRows(main.slice(600), 25));
  await insertSpans(toTraceRows(other));
  await insertSpans(toTraceRows(late));
  all = [...main, ...late];
  const db = createDb(engine);
  const repo = createModelsRepo(db);
  const prices = createPricesRepo(engine, db);
  const retention = { raw: 30, minute: 90, hour: 730 };
  app = new Hono<AppEnv>()
    .use('*', trustedProjectScope())
    .route('/models/gpu', gpuRoutes(repo, createGpuRepo(db)))
    .route('/scaling', scalingRoutes(repo, createGpuRepo(db), createScalingRepo(db)))
    .route('/models', modelRoutes(repo, { retention, prices }))
    .route('/changes', changeRoutes(repo))
    .route('/prices', priceRoutes(prices));
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Counts and sums exactly; quantiles within 1% of the rank-floor(q(n-1)) element. */
function expectStats(got: InferenceStats, rows: readonly SeedInference[], label: string) {
  const want = expectedStats(rows);
  for (const k of [
    'requests',
    'errors',
    'streams',
    'inputTokens',
    'outputTokens',
    'cacheReadTokens',
    'cacheHits',
  ] as const)
    expect(got[k], `${label} ${k}`).toBe(want[k]);
  for (const k of ['errorRate', 'cacheHitRate', 'latencyMeanMs'] as const) {
    if (want[k] === null) expect(got[k], `${label} ${k}`).toBeNull();
    else expect(got[k], `${label} ${k}`).toBeCloseTo(want[k]!, 9);
  }
  for (const k of [
    'latencyP50Ms',
    'latencyP90Ms',
    'latencyP95Ms',
    'latencyP99Ms',
    'ttftP50Ms',
    'ttftP95Ms',
    'queueWaitP95Ms',
  ] as const) {
    if (want[k] === null) expect(got[k], `${label} ${k}`).toBeNull();
    else {
      expect(got[k], `${label} ${k}`).not.toBeNull();
      expect(
        Math.abs(got[k]! / want[k]! - 1),
        `${label} ${k} ${got[k]} vs ${want[k]}`,
      ).toBeLessThanOrEqual(0.01);
    }
  }
}

const inRange = (rows: SeedInference[], fromMs: number, toMs: number) =>
  rows.filter((r) => r.timeMs >= fromMs && r.timeMs < toMs);

describe('typed inference rows and rollups on the embedded engine', () => {
  test('every level lists each model with exact counts and quantiles within 1%', async () => {
    const from = T0;
    const to = T0 + 4 * HOUR;
    const byLevel: Record<string, ModelsResponse> = {};
    for (const level of ['raw', '1m', '1h', 'auto']) {
      const res = await get<ModelsResponse>(`/models?from=${from}&to=${to}&level=${level}`);
      byLevel[level] = res;
      expect(res.models.map((m) => m.model).sort()).toEqual([LLM, CLASSIC].sort());
      for (const m of res.models) {
        const rows = all.filter((r) => r.model === m.model);
        expectStats(m, rows, `${level} ${m.model}`);
        expect(m.versions).toEqual([...new Set(rows.map((r) => r.version))].sort());
        expect(m.variants).toEqual(['canary', 'control']);
        expect(m.services).toEqual(['svc-a', 'svc-b']);
        expect(m.providers).toEqual([m.model === LLM ? 'openai' : 'self']);
        // No price for these models in the default list.
        expect(m.costUsd).toBe(0);
      }
    }
    // Whole hours: the coarsest level answers.
    expect(byLevel.auto!.level).toBe('1h');
    // Rollups and raw rows give the same figures (merged sketches have the same buckets).
    for (const level of ['1m', '1h']) {
      for (const [i, m] of byLevel[level]!.models.entries()) {
        const raw = byLevel.raw!.models[i]!;
        expect(m.model).toBe(raw.model);
        for (const [k, v] of Object.entries(raw)) {
          if (typeof v === 'number') expect((m as never)[k], `${level} ${k}`).toBeCloseTo(v, 6);
          else expect((m as never)[k], `${level} ${k}`).toEqual(v);
        }
      }
    }
  });

  test('dimensions: each model’s values and requests as the figures give them, at every level', async () => {
    const ranges = [
      [T0, T0 + 4 * HOUR],
      [T0 + 25 * MIN + 1234, T0 + 2 * HOUR + 35 * MIN + 17],
      [T0 + 25 * MIN + 1234, T0 + 35 * MIN],
    ];
    for (const [from, to] of ranges) {
      for (const level of ['raw', '1m', '1h', 'auto']) {
        for (const filter of ['', `&service=svc-b`, `&model=${encodeURIComponent(CLASSIC)}`]) {
          const q = `from=${from}&to=${to}&level=${level}${filter}`;
          const [dims, figures] = await Promise.all([
            get<ModelDimensionsResponse>(`/models/dimensions?${q}`),
            get<ModelsResponse>(`/models?${q}`),
          ]);
          expect(dims.level).toBe(figures.level);
          expect([dims.from, dims.to]).toEqual([figures.from, figures.to]);
          expect(dims.models, q).toEqual(
            figures.models.map((m) => ({
              model: m.model,
              providers: m.providers,
              versions: m.versions,
              variants: m.variants,
              services: m.services,
              operations: m.operations,
              requests: m.requests,
            })),
          );
        }
      }
    }
    // Against the seeded rows themselves, over whole hours.
    const all4h = await get<ModelDimensionsResponse>(
      `/models/dimensions?from=${T0}&to=${T0 + 4 * HOUR}`,
    );
    for (const m of all4h.models) {
      const rows = all.filter((r) => r.model === m.model);
      expect(m.requests).toBe(rows.length);
      expect(m.versions).toEqual([...new Set(rows.map((r) => r.version))].sort());
    }
    const limited = await get<ModelDimensionsResponse>(
      `/models/dimensions?from=${T0}&to=${T0 + 4 * HOUR}&limit=1`,
    );
    expect(limited.models).toEqual([all4h.models[0]]);
    // Another project's models stay out; its own are listed.
    expect(all4h.models.map((m) => m.model)).not.toContain('other-only');
    const theirs = await get<ModelDimensionsResponse>(
      `/models/dimensions?from=${T0}&to=${T0 + 4 * HOUR}&project=other`,
    );
    expect(theirs.models.map((m) => m.model).sort()).toEqual([LLM, 'other-only'].sort());
  });

  test('a range inside an hour is answered from minutes or raw rows, aligned as reported', async () => {
    const from = T0 + 25 * MIN + 1234;
    const to = T0 + 2 * HOUR + 35 * MIN + 17;
    const res = await get<ModelsResponse>(
      `/models?from=${from}&to=${to}&model=${encodeURIComponent(LLM)}`,
    );
    expect(res.level).toBe('1m');
    expect(res.from).toBe(new Date(T0 + 25 * MIN).toISOString());
    expect(res.to).toBe(new Date(T0 + 2 * HOUR + 36 * MIN).toISOString());
    const rows = inRange(all, T0 + 25 * MIN, T0 + 2 * HOUR + 36 * MIN).filter(
      (r) => r.model === LLM,
    );
    expect(res.models).toHaveLength(1);
    expectStats(res.models[0]!, rows, 'aligned');
    const short = await get<ModelsResponse>(`/models?from=${from}&to=${from + 10 * MIN}`);
    expect(short.level).toBe('raw');
    expect(short.models.reduce((a, m) => a + m.requests, 0)).toBe(
      inRange(all, from, from + 10 * MIN).length,
    );
  });

  test('series per version at each level match every bucket, late spans in their minute', async () => {
    const from = T0;
    const to = T0 + 3 * HOUR;
    const metrics =
      'requests,errors,errorRate,latencyP95,ttftP95,tokensPerS,outputTokensPerS,cacheHitRate,queueWaitP95,cost';
    for (const [step, level] of [
      ['1m', '1m'],
      ['30m', '1m'],
      ['1h', '1h'],
      ['45s', 'raw'],
    ] as const) {
      const res = await get<ModelSeriesResponse>(
        `/models/series?from=${from}&to=${to}&step=${step}&model=${encodeURIComponent(LLM)}&groupBy=version&metric=${metrics}`,
      );
      expect(res.level, step).toBe(level);
      const stepMs = res.stepMs;
      expect(res.series.map((s) => s.group.version).sort()).toEqual(['v1', 'v2']);
      for (const line of res.series) {
        for (const p of line.points) {
          const t = Date.parse(p.time);
          const rows = inRange(all, t, t + stepMs).filter(
            (r) => r.model === LLM && r.version === line.group.version,
          );
          const want = expectedStats(rows);
          const label = `${step} ${line.group.version} ${p.time}`;
          expect(p.requests, label).toBe(want.requests);
          expect(p.errors, label).toBe(want.errors);
          expect(p.errorRate, label).toBe(want.errorRate);
          expect(p.cacheHitRate, label).toBe(want.cacheHitRate);
          expect(p.tokensPerS, label).toBeCloseTo(
            (want.inputTokens + want.outputTokens) / (stepMs / 1000),
            9,
          );
          expect(p.outputTokensPerS, label).toBeCloseTo(want.outputTokens / (stepMs / 1000), 9);
          expect(p.cost, label).toBe(0);
          for (const [metric, key] of [
            ['latencyP95', 'latencyP95Ms'],
            ['ttftP95', 'ttftP95Ms'],
            ['queueWaitP95', 'queueWaitP95Ms'],
          ] as const) {
            const w = want[key];
            if (w === null) expect(p[metric], `${label} ${metric}`).toBeNull();
            else
              expect(Math.abs(p[metric]! / w - 1), `${label} ${metric}`).toBeLessThanOrEqual(0.01);
          }
        }
      }
    }
    const minute = await get<ModelSeriesResponse>(
      `/models/series?from=${LATE_MINUTE}&to=${LATE_MINUTE + MIN}&step=1m&metric=requests`,
    );
    // The minute held inferences before the late ones arrived; it now counts both.
    const onTime = inRange(all, LATE_MINUTE, LATE_MINUTE + MIN).filter((r) => !late.includes(r));
    expect(onTime.length).toBeGreaterThan(0);
    expect(late.every((r) => r.timeMs >= LATE_MINUTE && r.timeMs < LATE_MINUTE + MIN)).toBe(true);
    expect(minute.level).toBe('1m');
    expect(minute.series[0]!.points).toEqual([
      { time: new Date(LATE_MINUTE).toISOString(), requests: onTime.length + late.length },
    ]);
  });

  test('compare puts two versions or two arms side by side with their differences', async () => {
    const from = T0 + HOUR;
    const to = T0 + 3 * HOUR;
    const res = await get<ModelCompareResponse>(
      `/models/compare?from=${from}&to=${to}&model=${encodeURIComponent(LLM)}&a=version:v1&b=version:v2`,
    );
    const rows = inRange(all, from, to).filter((r) => r.model === LLM);
    expectStats(
      res.a,
      rows.filter((r) => r.version === 'v1'),
      'a',
    );
    expectStats(
      res.b,
      rows.filter((r) => r.version === 'v2'),
      'b',
    );
    expect(res.a).toMatchObject({ dimension: 'version', value: 'v1' });
    expect(res.delta.requests).toBe(res.b.requests - res.a.requests);
    expect(res.delta.latencyP95Ms).toBeCloseTo(res.b.latencyP95Ms! - res.a.latencyP95Ms!, 9);
    expect(res.ratio.errorRate).toBeCloseTo(res.b.errorRate! / res.a.errorRate!, 9);
    const arms = await get<ModelCompareResponse>(
      `/models/compare?from=${T0}&to=${to}&model=${encodeURIComponent(LLM)}&a=variant:control&b=variant:canary`,
    );
    const armRows = inRange(all, T0, to).filter((r) => r.model === LLM);
    expectStats(
      arms.a,
      armRows.filter((r) => r.variant === 'control'),
      'control',
    );
    expectStats(
      arms.b,
      armRows.filter((r) => r.variant === 'canary'),
      'canary',
    );
  });

  test('slowest lists the slowest inferences of the project with their trace ids', async () => {
    const res = await get<SlowestResponse>(
      `/models/slowest?from=${T0}&to=${T0 + 4 * HOUR}&model=${encodeURIComponent(LLM)}&limit=15`,
    );
    const want = all
      .filter((r) => r.model === LLM)
      .sort((a, b) => b.durationNs - a.durationNs)
      .slice(0, 15);
    expect(res.inferences.map((r) => r.traceId)).toEqual(want.map((r) => r.traceId));
    for (const [i, got] of res.inferences.entries()) {
      const w = want[i]!;
      expect(got).toMatchObject({
        spanId: w.spanId,
        durationMs: w.durationNs / 1e6,
        service: w.service,
        version: w.version,
        variant: w.variant,
        provider: 'openai',
        requestModel: LLM,
        responseModel: `${LLM}-resp`,
        error: w.error,
        errorType: w.errorType,
        finishReasons: [w.finishReason],
        inputTokens: w.inputTokens,
        cacheHit: w.cacheHit === true,
        hostName: w.host,
        k8sNodeName: `node-${w.host}`,
        predictionId: `p-${w.spanId}`,
        time: new Date(w.timeMs).toISOString().replace('Z', '000000Z'),
      });
      expect(got.ttftMs).toBe(w.ttftS === undefined ? null : w.ttftS * 1000);
    }
  });

  test('changes report models, versions and variants first seen in the range', async () => {
    const before = await get<ChangesResponse>(`/changes?from=${T0 - HOUR}&to=${T0 + 4 * HOUR}`);
    const firstOf = (pred: (r: SeedInference) => boolean) =>
      new Date(Math.min(...all.filter(pred).map((r) => r.timeMs))).toISOString();
    expect(before.changes.filter((c) => c.kind === 'model')).toEqual([
      expect.objectContaining({ model: LLM, firstSeen: firstOf((r) => r.model === LLM) }),
      expect.objectContaining({ model: CLASSIC, firstSeen: firstOf((r) => r.model === CLASSIC) }),
    ]);
    const rollout = await get<ChangesResponse>(
      `/changes?from=${T0 + 30 * MIN}&to=${T0 + 4 * HOUR}`,
    );
    const v2 = all.filter((r) => r.version === 'v2');
    expect(rollout.changes).toEqual(
      [LLM, CLASSIC]
        .map((model) => {
          const rows = v2.filter((r) => r.model === model);
          return {
            kind: 'version',
            model,
            version: 'v2',
            firstSeen: new Date(Math.min(...rows.map((r) => r.timeMs))).toISOString(),
            lastSeen: new Date(Math.max(...rows.map((r) => r.timeMs))).toISOString(),
            requests: rows.length,
          };
        })
        .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen)),
    );
  });

  test('another project never shows, and sees only its own rows', async () => {
    const range = `from=${T0}&to=${T0 + 4 * HOUR}`;
    const mine = await get<ModelsResponse>(`/models?${range}&level=raw`);
    expect(mine.models.map((m) => m.model)).not.toContain('other-only');
    const theirs = await get<ModelsResponse>(`/models?${range}&project=other`);
    expect(theirs.models.map((m) => m.model).sort()).toEqual([LLM, 'other-only'].sort());
    for (const m of theirs.models)
      expectStats(
        m,
        other.filter((r) => r.model === m.model),
        `other ${m.model}`,
      );
    const slow = await get<SlowestResponse>(`/models/slowest?${range}&limit=1000`);
    const ours = new Set(all.map((r) => r.traceId));
    expect(slow.inferences).toHaveLength(1000);
    expect(slow.inferences.every((r) => ours.has(r.traceId))).toBe(true);
    const changes = await get<ChangesResponse>(`/changes?${range}`);
    expect(changes.changes.map((c) => c.model)).not.toContain('other-only');
  });

  test('fixed latency and TTFT buckets count exactly at the GenAI boundaries', async () => {
    const db = createDb(engine);
    const [row] = await db.rows<{ lat: string[]; ttft: string[]; n: string; s: string }>(
      `SELECT sumForEachMerge(latency_le) AS lat, sumForEachMerge(ttft_le) AS ttft,
         sum(requests) AS n, sum(streams) AS s
       FROM aiobs_inference_1h WHERE project_id = 'default' AND model = {m:String}`,
      { m: LLM },
    );
    const rows = all.filter((r) => r.model === LLM);
    expect(row!.lat.map(Number)).toEqual(cumulativeBuckets(rows.map((r) => r.durationNs / 1e6)));
    expect(row!.ttft.map(Number)).toEqual(
      cumulativeBuckets(rows.filter((r) => r.ttftS !== undefined).map((r) => r.ttftS! * 1000)),
    );
    expect(Number(row!.n)).toBe(rows.length);
  });
});

describe('rollup retention', () => {
  test('each level takes its own TTL from the table options, and follows changes', async () => {
    const ttlOf = async (table: string) => {
      const [r] = await createDb(engine).rows<{ q: string }>(
        'SELECT create_table_query AS q FROM system.tables WHERE name = {t:String}',
        { t: table },
      );
      return /toIntervalDay\((\d+)\)/.exec(r!.q)?.[1];
    };
    expect(await ttlOf('aiobs_inferences')).toBe('30');
    expect(await ttlOf('aiobs_inference_1m')).toBe('90');
    expect(await ttlOf('aiobs_inference_1h')).toBe('730');
    await migrate(
      engine,
      { retentionDays: 7, rollupMinuteDays: 14, rollupHourDays: 400, fsync: false },
      log,
    );
    expect(await ttlOf('aiobs_inferences')).toBe('7');
    expect(await ttlOf('aiobs_inference_1m')).toBe('14');
    expect(await ttlOf('aiobs_inference_1h')).toBe('400');
    expect(await ttlOf('aiobs_model_seen')).toBe('400');
  });
});

describe('cost', () => {
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const list: Price[] = [
    // The priced model costs more from yesterday on; the classic model has no price.
    {
      provider: 'openai',
      model: PRICED,
      effectiveFrom: iso(D - 10 * DAY),
      inputPerMillion: 1,
      outputPerMillion: 2,
      cacheReadPerMillion: 0.5,
    },
    {
      provider: 'openai',
      model: PRICED,
      effectiveFrom: iso(D - DAY),
      inputPerMillion: 3,
      outputPerMillion: 12,
      cacheReadPerMillion: 0.3,
    },
    {
      provider: 'openai',
      model: LLM,
      effectiveFrom: '2020-01-01',
      inputPerMillion: 2.5,
      outputPerMillion: 10,
      cacheReadPerMillion: 1.25,
    },
  ];
  const priceAt = (r: SeedInference) =>
    list
      .filter(
        (p) =>
          p.model === r.model &&
          p.provider === r.provider &&
          Date.parse(`${p.effectiveFrom}T00:00:00Z`) <= r.timeMs,
      )
      .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  const costOfRows = (rows: SeedInference[]) =>
    rows.reduce((sum, r) => {
      const p = priceAt(r);
      if (!p) return sum;
      return (
        sum +
        costOf(
          { input: r.inputTokens, output: r.outputTokens, cacheRead: r.cacheReadTokens ?? 0 },
          p,
        )
      );
    }, 0);

  beforeAll(async () => {
    const res = await app.request('/prices', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prices: list }),
    });
    expect(res.status).toBe(200);
  });

  test('the default list is written on first use and a PUT replaces it', async () => {
    const got = await get<{ revision: number; prices: Price[] }>('/prices');
    expect(got.revision).toBeGreaterThan(0);
    expect(got.prices).toEqual(
      [...list].sort(
        (a, b) => a.model.localeCompare(b.model) || a.effectiveFrom.localeCompare(b.effectiveFrom),
      ),
    );
  });

  test('tokens become cost at the price in force on their day, at every level', async () => {
    const from = D - 3 * DAY;
    const to = D;
    const want = costOfRows(priced);
    const byDay = [D - 2 * DAY, D - DAY].map((d) => costOfRows(inRange(priced, d, d + DAY)));
    expect(byDay[0]).not.toBeCloseTo(byDay[1]!, 3);
    for (const level of ['raw', '1m', '1h']) {
      const res = await get<ModelsResponse>(
        `/models?from=${from}&to=${to}&model=${encodeURIComponent(PRICED)}&level=${level}`,
      );
      expect(res.models[0]!.costUsd, level).toBeCloseTo(want, 9);
      const series = await get<ModelSeriesResponse>(
        `/models/series?from=${from}&to=${to}&step=1d&model=${encodeURIComponent(PRICED)}&metric=cost&level=${level}`,
      );
      expect(series.series[0]!.points.map((p) => p.cost).slice(1), level).toEqual([
        expect.closeTo(byDay[0]!, 9),
        expect.closeTo(byDay[1]!, 9),
      ]);
    }
    const llm = await get<ModelsResponse>(`/models?from=${T0}&to=${T0 + 4 * HOUR}`);
    expect(llm.models.find((m) => m.model === LLM)!.costUsd).toBeCloseTo(
      costOfRows(all.filter((r) => r.model === LLM)),
      9,
    );
    expect(llm.models.find((m) => m.model === CLASSIC)!.costUsd).toBe(0);
  });

  test('a series of some metrics has the figures of one of every metric, at every level', async () => {
    // The read computes only the figures the asked metrics need (figuresFor) and joins the
    // prices only for a cost: the points must be those of a read of everything.
    const subsets: SeriesMetric[][] = [
      ['requests', 'latencyP95'],
      ['cost'],
      ['ttftP50', 'queueWaitP95'],
      ['errorRate', 'tokensPerS', 'cacheHitRate'],
      ['outputTokensPerS', 'latencyP99', 'errors'],
    ];
    const cases = [
      { from: T0, to: T0 + 3 * HOUR, q: `model=${encodeURIComponent(LLM)}&groupBy=version` },
      { from: T0, to: T0 + 3 * HOUR, q: 'groupBy=model' },
      { from: D - 3 * DAY, to: D, q: `model=${encodeURIComponent(PRICED)}` },
    ];
    // A sum of floats (the cost) may differ in its last bits between two reads (the engine
    // adds partial sums in the order its threads finish): costs compare to 12 digits.
    const pick = (p: SeriesPoint, keys: readonly string[]) =>
      Object.fromEntries(
        Object.entries(p)
          .filter(([k]) => k === 'time' || keys.includes(k))
          .map(([k, v]) => [k, k === 'cost' && typeof v === 'number' ? v.toPrecision(12) : v]),
      );
    for (const c of cases)
      for (const [step, level] of [
        ['1h', '1h'],
        ['30m', '1m'],
        ['1h', 'raw'],
      ] as const) {
        const url = (metrics: readonly string[]) =>
          `/models/series?from=${c.from}&to=${c.to}&step=${step}&level=${level}&${c.q}&metric=${metrics.join(',')}`;
        const full = await get<ModelSeriesResponse>(url(SERIES_METRICS));
        expect(full.series.some((s) => s.points.some((p) => (p.requests ?? 0) > 0))).toBe(true);
        if (c.q.includes('priced'))
          expect(full.series[0]!.points.some((p) => (p.cost ?? 0) > 0)).toBe(true);
        for (const metrics of subsets) {
          const part = await get<ModelSeriesResponse>(url(metrics));
          const shape = (r: ModelSeriesResponse) =>
            r.series.map((s) => ({
              group: s.group,
              points: s.points.map((p) => pick(p, metrics)),
            }));
          expect(shape(part), `${c.q} ${step} ${level} ${metrics}`).toEqual(shape(full));
        }
      }
  });

  test('each inference carries its own cost, and arms their sums', async () => {
    const slow = await get<SlowestResponse>(
      `/models/slowest?from=${D - 3 * DAY}&to=${D}&model=${encodeURIComponent(PRICED)}&limit=1000`,
    );
    expect(slow.inferences).toHaveLength(priced.length);
    for (const r of slow.inferences) {
      const seed = priced.find((p) => p.spanId === r.spanId)!;
      expect(r.costUsd).toBeCloseTo(costOfRows([seed]), 12);
    }
    const cmp = await get<ModelCompareResponse>(
      `/models/compare?from=${T0}&to=${T0 + 4 * HOUR}&model=${encodeURIComponent(LLM)}&a=variant:control&b=variant:canary`,
    );
    const rows = all.filter((r) => r.model === LLM);
    expect(cmp.a.costUsd).toBeCloseTo(costOfRows(rows.filter((r) => r.variant === 'control')), 9);
    expect(cmp.b.costUsd).toBeCloseTo(costOfRows(rows.filter((r) => r.variant === 'canary')), 9);
  });
});

describe('GPU join', () => {
  const HOSTS = ['node-gpu-host-1', 'node-gpu-host-2', 'node-idle'];
  /** Samples sent: per host, GPU, metric and detail, at a time. */
  const samples: {
    host: string;
    gpu: string;
    metric: string;
    detail: string;
    ms: number;
    v: number;
  }[] = [];

  beforeAll(async () => {
    const gauge: object[] = [];
    const sums: object[] = [];
    for (let m = 0; m < 180; m++) {
      for (const [h, host] of HOSTS.entries()) {
        for (const g of [0, 1]) {
          const gpu = `GPU-${host}-${g}`;
          for (const off of [10_000, 40_000]) {
            const ms = T0 + m * MIN + off;
            const load = ((m * 7 + h * 13 + g * 5 + off / 10_000) % 100) / 100;
            const points: [string, Record<string, string>, number, object[]][] = [
              ['hw.gpu.utilization', { 'hw.gpu.task': 'general' }, load, gauge],
              ['hw.gpu.utilization', { 'hw.gpu.task': 'decoder' }, 0.9, gauge],
              ['hw.temperature', {}, 40 + 40 * load, gauge],
              ['hw.power', {}, 100 + 500 * load, gauge],
              [
                'aiobs.gpu.throttle.active',
                { 'aiobs.gpu.throttle.reason': 'hw_slowdown' },
                load > 0.8 ? 1 : 0,
                gauge,
              ],
              [
                'aiobs.gpu.throttle.active',
                { 'aiobs.gpu.throttle.reason': 'sw_power_cap' },
                load > 0.5 ? 1 : 0,
                gauge,
              ],
              ['hw.gpu.memory.usage', {}, 1e9 * (1 + load), sums],
            ];
            for (const [metric, attrs, v, table] of points) {
              table.push({
                ResourceAttributes: { 'host.name': host, 'service.name': 'aiobs-agent' },
                ServiceName: 'aiobs-agent',
                MetricName: metric,
                Attributes: { 'hw.id': gpu, 'hw.name': `GPU ${g}`, 'hw.type': 'gpu', ...attrs },
                TimeUnix: new Date(ms).toISOString(),
                StartTimeUnix: new Date(ms).toISOString(),
                Value: v,
                ProjectId: 'default',
              });
              samples.push({ host, gpu, metric, detail: JSON.stringify(attrs), ms, v });
            }
          }
        }
      }
    }
    for (const [table, rows] of [
      ['otel_metrics_gauge', gauge],
      ['otel_metrics_sum', sums],
    ] as const)
      await engine.client.insert({
        table,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      });
  });

  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

  /** What a GPU's bucket must report, from the samples sent. */
  function expectedGpu(gpu: string, from: number, to: number) {
    const s = samples.filter((x) => x.gpu === gpu && x.ms >= from && x.ms < to);
    const of = (metric: string, pred = (_: string) => true) =>
      mean(s.filter((x) => x.metric === metric && pred(x.detail)).map((x) => x.v));
    const reasons = ['hw_slowdown', 'sw_power_cap'].map((r) =>
      of('aiobs.gpu.throttle.active', (d) => d.includes(r)),
    );
    return {
      gpuUtilization: of('hw.gpu.utilization', (d) => d.includes('general')),
      gpuMemoryUtilization: null,
      gpuMemoryUsageBytes: of('hw.gpu.memory.usage'),
      gpuPowerW: of('hw.power'),
      gpuTemperatureC: of('hw.temperature'),
      gpuThrottled: reasons.every((r) => r === null)
        ? null
        : Math.max(...reasons.map((r) => r ?? 0)),
    };
  }

  function pearsonRef(xs: (number | null)[], ys: (number | null)[]) {
    const p = xs
      .map((x, i) => [x, ys[i]] as const)
      .filter(([x, y]) => x !== null && y !== null) as [number, number][];
    if (p.length < 3) return null;
    const mx = mean(p.map(([x]) => x))!;
    const my = mean(p.map(([, y]) => y))!;
    const cov = p.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
    const vx = p.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    const vy = p.reduce((a, [, y]) => a + (y - my) ** 2, 0);
    return vx && vy ? cov / Math.sqrt(vx * vy) : null;
  }

  test('a model: the GPUs of the nodes that served it, bucket by bucket, with correlations', async () => {
    const from = T0;
    const to = T0 + 3 * HOUR;
    const res = await get<Record<string, any>>(
      `/models/gpu?model=${encodeURIComponent(LLM)}&from=${from}&to=${to}&step=5m`,
    );
    expect(res.level).toBe('1m');
    expect(res.stepMs).toBe(5 * MIN);
    expect([...res.hosts].sort()).toEqual(['node-gpu-host-1', 'node-gpu-host-2']);
    expect(res.gpus.map((g: any) => g.gpu)).toEqual([
      'GPU-node-gpu-host-1-0',
      'GPU-node-gpu-host-1-1',
      'GPU-node-gpu-host-2-0',
      'GPU-node-gpu-host-2-1',
    ]);
    expect(res.points).toHaveLength(36);
    for (const g of res.gpus)
      for (const p of g.points) {
        const t = Date.parse(p.time);
        const want = expectedGpu(g.gpu, t, t + 5 * MIN);
        for (const [k, v] of Object.entries(want)) {
          if (v === null) expect(p[k], `${g.gpu} ${p.time} ${k}`).toBeNull();
          else expect(p[k], `${g.gpu} ${p.time} ${k}`).toBeCloseTo(v, 6);
        }
      }
    for (const p of res.points) {
      const t = Date.parse(p.time);
      const rows = inRange(all, t, t + 5 * MIN).filter((r) => r.model === LLM);
      expect(p.requests).toBe(rows.length);
      const util = res.gpus.map((g: any) => expectedGpu(g.gpu, t, t + 5 * MIN).gpuUtilization);
      expect(p.gpuUtilization).toBeCloseTo(mean(util)!, 9);
      const p95 = expectedStats(rows).latencyP95Ms;
      if (p95 === null) expect(p.latencyP95Ms).toBeNull();
      else expect(Math.abs(p.latencyP95Ms / p95 - 1)).toBeLessThanOrEqual(0.01);
    }
    for (const k of ['gpuUtilization', 'gpuPowerW', 'gpuTemperatureC', 'gpuThrottled']) {
      const want = pearsonRef(
        res.points.map((p: any) => p.latencyP95Ms),
        res.points.map((p: any) => p[k]),
      );
      expect(res.correlation.latencyP95Ms[k], k).toBeCloseTo(want!, 9);
    }
    expect(res.correlation.latencyP95Ms.gpuMemoryUtilization).toBeNull();
  });

  test('a trace: its nodes, the window around it, everything those nodes served', async () => {
    const target = all.find((r) => r.model === LLM && r.timeMs > T0 + HOUR)!;
    const res = await get<Record<string, any>>(
      `/models/gpu?traceId=${target.traceId}&from=${T0}&to=${T0 + 4 * HOUR}`,
    );
    expect(res.level).toBe('raw');
    expect(res.hosts).toEqual([`node-${target.host}`]);
    expect(res.trace).toEqual([
      {
        time: new Date(target.timeMs).toISOString(),
        spanId: target.spanId,
        model: LLM,
        service: target.service,
        host: `node-${target.host}`,
        durationMs: target.durationNs / 1e6,
        ttftMs: target.ttftS === undefined ? null : target.ttftS * 1000,
        error: target.error,
      },
    ]);
    const from = Math.floor((target.timeMs - 15 * MIN) / MIN) * MIN;
    expect(res.from).toBe(new Date(from).toISOString());
    expect(res.gpus.map((g: any) => g.host)).toEqual([
      `node-${target.host}`,
      `node-${target.host}`,
    ]);
    for (const p of res.points) {
      const t = Date.parse(p.time);
      const served = inRange(all, t, t + MIN).filter((r) => r.host === target.host);
      expect(p.requests, p.time).toBe(served.length);
    }
  });

  test('an unknown trace is a 404', async () => {
    const res = await app.request(`/models/gpu?traceId=${'f'.repeat(32)}`);
    expect(res.status).toBe(404);
  });

  test('scaling signals over a window: queue depth, GPU utilization, latency, request rate', async () => {
    const at = T0 + 2 * HOUR + 30_000;
    const from = at - 10 * MIN;
    const depth = (ms: number, v: number, instance: string, model = LLM) => ({
      ResourceAttributes: { 'service.name': 'svc-a', 'service.instance.id': instance },
      ServiceName: 'svc-a',
      MetricName: 'aiobs.inference.queue.depth',
      Attributes: { 'gen_ai.request.model': model },
      TimeUnix: new Date(ms).toISOString(),
      StartTimeUnix: new Date(ms).toISOString(),
      Value: v,
      ProjectId: 'default',
    });
    await engine.client.insert({
      table: 'otel_metrics_gauge',
      values: [
        depth(from - MIN, 100, 'a'), // before the window
        depth(from + MIN, 9, 'a'),
        depth(at - MIN, 5, 'a'), // a's latest
        depth(at - 2 * MIN, 3, 'b'), // b's latest
        depth(at - MIN, 50, 'c', CLASSIC), // another model
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    const res = await get<Record<string, any>>(
      `/scaling?model=${encodeURIComponent(LLM)}&window=10m&percentile=0.99&at=${at}`,
    );
    const rows = inRange(all, from, at).filter((r) => r.model === LLM);
    expect(res).toMatchObject({
      model: LLM,
      windowMs: 10 * MIN,
      queueDepth: 8,
      requests: rows.length,
      latencyPercentile: 0.99,
    });
    expect(res.requestRate).toBeCloseTo(rows.length / 600, 12);
    expect(Math.abs(res.latencyMs / expectedStats(rows).latencyP99Ms! - 1)).toBeLessThanOrEqual(
      0.01,
    );
    const gpus = [...new Set(samples.filter((x) => res.hosts.includes(x.host)).map((x) => x.gpu))];
    expect(gpus).toHaveLength(4);
    const minuteFrom = Math.floor(from / MIN) * MIN;
    const minuteTo = Math.ceil(at / MIN) * MIN;
    const perGpu = gpus.map((g) => expectedGpu(g, minuteFrom, minuteTo).gpuUtilization!);
    expect(res.gpuUtilization).toBeCloseTo(mean(perGpu)!, 9);
    // Nothing served: zeros, not nulls (the scaler reads numbers).
    const idle = await get<Record<string, any>>(`/scaling?service=nobody&at=${at}`);
    expect(idle).toMatchObject({
      queueDepth: 0,
      gpuUtilization: 0,
      latencyMs: 0,
      requests: 0,
      requestRate: 0,
      hosts: [],
    });
  });
});
