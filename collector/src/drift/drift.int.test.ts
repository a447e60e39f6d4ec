import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DriftResponse } from '../api/types.js';
import type { Principal } from '../auth/authenticator.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { Ingestor } from '../ingest/ingestor.js';
import type { AppEnv } from '../middleware/auth.js';
import { DecodeOutcome } from '../otlp/outcome.js';
import { encodeOtlpProtobuf } from '../otlp/testing/otlp-protobuf.js';
import { createDb } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { normal, rng, type ScipyResult, scipyReference } from './__fixtures__/scipy.js';
import { createBaselinesRepo } from './baselines-repo.js';
import type { FeatureStats } from './features.js';
import { createDriftRepo } from './repo.js';
import { driftRoutes } from './routes.js';

// Known samples are written as typed feature rows; the statistics the engine computes
// (decile bins, KS, Wasserstein, category counts) and what stats.ts makes of them are
// compared with NumPy/SciPy run at test time on the same samples, to 1e-6.

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
const REF = { fromMs: T0, toMs: T0 + HOUR, version: 'v1' };
const CUR = { fromMs: T0 + 2 * HOUR, toMs: T0 + 3 * HOUR, version: 'v2' };
const MODEL = 'fraud-xgb';

let dir: string;
let engine: Engine;
let stats: FeatureStats[];
const expected = new Map<string, ScipyResult>();

interface Sample {
  kind: 'feature' | 'prediction';
  feature: string;
  ref: number[] | string[];
  cur: number[] | string[];
}

const rand = rng(42);
const ints = (n: number, max: number) => Array.from({ length: n }, () => Math.floor(rand() * max));
const pick = (n: number, cats: string[], weights: number[]) => {
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, () => {
    let u = rand() * total;
    for (let i = 0; i < cats.length; i++) {
      u -= weights[i]!;
      if (u < 0) return cats[i]!;
    }
    return cats[cats.length - 1]!;
  });
};

const SAMPLES: Sample[] = [
  { kind: 'feature', feature: 'amount_same', ref: normal(rand, 800), cur: normal(rand, 600) },
  {
    kind: 'feature',
    feature: 'amount_shift',
    ref: normal(rand, 2000, 50, 10),
    cur: normal(rand, 1500, 53, 12),
  },
  // Integers: ties across sides and repeated decile edges (empty bins).
  { kind: 'feature', feature: 'age_ints', ref: ints(500, 8), cur: ints(400, 10) },
  {
    kind: 'prediction',
    feature: 'prediction.score',
    ref: normal(rand, 300),
    cur: normal(rand, 250, 0.5),
  },
  {
    kind: 'feature',
    feature: 'country',
    ref: pick(900, ['de', 'fr', 'in', 'us'], [4, 3, 2, 1]),
    cur: pick(700, ['de', 'fr', 'in', 'us'], [4, 3, 2, 1]),
  },
  {
    kind: 'feature',
    feature: 'device',
    ref: pick(600, ['android', 'ios', 'web'], [5, 4, 1]),
    cur: pick(500, ['android', 'ios', 'web'], [2, 4, 4]),
  },
  // A category the reference never saw.
  {
    kind: 'feature',
    feature: 'channel',
    ref: pick(400, ['app', 'web'], [1, 1]),
    cur: pick(300, ['app', 'web', 'partner'], [5, 5, 1]),
  },
];

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function rows(
  s: Sample,
  side: number[] | string[],
  startMs: number,
  extra: { project?: string; model?: string; version: string },
) {
  return side.map((v, i) => ({
    project_id: extra.project ?? 'default',
    model: extra.model ?? MODEL,
    version: extra.version,
    variant: '',
    kind: s.kind,
    feature: s.feature,
    time: iso(startMs + ((i * 997) % 3_500_000)),
    prediction_id: `${s.feature}-${startMs}-${i}`,
    is_numeric: typeof v === 'number' ? 1 : 0,
    num: typeof v === 'number' ? v : 0,
    cat: typeof v === 'string' ? v : '',
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-drift-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  const all: object[] = [];
  for (const s of SAMPLES) {
    all.push(...rows(s, s.ref, REF.fromMs, { version: 'v1' }));
    all.push(...rows(s, s.cur, CUR.fromMs, { version: 'v2' }));
    // Rows that must not count: another version in the reference window, another model
    // and another project in the current window.
    all.push(...rows(s, s.cur.slice(0, 50) as number[], REF.fromMs, { version: 'v2' }));
    all.push(
      ...rows(s, s.ref.slice(0, 50) as number[], CUR.fromMs, { version: 'v2', model: 'other' }),
    );
    all.push(
      ...rows(s, s.ref.slice(0, 50) as number[], CUR.fromMs, { version: 'v2', project: 'p2' }),
    );
  }
  await engine.client.insert({
    table: 'aiobs_feature_values',
    values: all,
    format: 'JSONEachRow',
  });
  const repo = createDriftRepo(createDb(engine));
  stats = await repo.featureStats({
    project: 'default',
    model: MODEL,
    reference: REF,
    current: CUR,
  });
  const results = scipyReference(
    SAMPLES.map((s) =>
      typeof s.ref[0] === 'number'
        ? { type: 'numeric', ref: s.ref as number[], cur: s.cur as number[] }
        : { type: 'categorical', ref: s.ref as string[], cur: s.cur as string[] },
    ),
  );
  for (const [i, s] of SAMPLES.entries()) expected.set(s.feature, results[i]!);
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TOL = 1e-6;
function close(got: number | null, want: number | null | undefined, label: string) {
  expect(got, label).not.toBeNull();
  expect(want, label).not.toBeNull();
  expect(Math.abs(got! - want!), `${label}: ${got} vs SciPy ${want}`).toBeLessThan(TOL);
}

describe('drift statistics computed in the engine equal SciPy', () => {
  test('every feature and the prediction are reported, typed by value', () => {
    expect(stats.map((s) => [s.kind, s.feature, s.type])).toEqual(
      [...SAMPLES]
        .sort((a, b) => (a.kind + a.feature < b.kind + b.feature ? -1 : 1))
        .map((s) => [s.kind, s.feature, typeof s.ref[0] === 'number' ? 'numeric' : 'categorical']),
    );
  });

  test.each(SAMPLES.map((s) => [s.feature, s] as const))('%s', (name, s) => {
    const got = stats.find((x) => x.feature === name)!;
    const want = expected.get(name)!;
    expect(got.referenceCount).toBe(s.ref.length);
    expect(got.currentCount).toBe(s.cur.length);
    close(got.psi, want.psi, 'psi');
    close(got.jensenShannon, want.js, 'jensen-shannon');
    if (got.type === 'numeric') {
      expect(got.bins.reference).toEqual(want.ref_bins);
      expect(got.bins.current).toEqual(want.cur_bins);
      for (const [i, e] of got.bins.edges!.entries()) close(e, want.edges![i]!, `edge ${i}`);
      close(got.ksStatistic, want.ks_d, 'ks statistic');
      close(got.ksPValue, want.ks_p, 'ks p-value');
      close(got.wasserstein, want.wasserstein, 'wasserstein');
      close(got.wassersteinNormed, want.wasserstein_normed, 'normed wasserstein');
    } else {
      expect(got.bins.categories).toEqual(want.categories);
      close(got.chiSquarePValue, want.chi_p, 'chi-square p-value');
    }
  });

  test('the shifted distributions are far apart and the unchanged ones are not', () => {
    const by = (f: string) => stats.find((x) => x.feature === f)!;
    expect(by('amount_shift').ksPValue!).toBeLessThan(1e-6);
    expect(by('amount_same').ksPValue!).toBeGreaterThan(0.01);
    expect(by('device').chiSquarePValue!).toBeLessThan(1e-6);
    expect(by('channel').chiSquarePValue).toBe(0);
  });

  test('a model with no rows gives no features', async () => {
    const repo = createDriftRepo(createDb(engine));
    const none = await repo.featureStats({
      project: 'default',
      model: 'nope',
      reference: REF,
      current: CUR,
    });
    expect(none).toEqual([]);
  });
});

describe('the ingest path writes typed rows', () => {
  const principal: Principal = { kind: 'ingest', projectId: 'ingest-test' };
  const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
  const at = T0 + 4 * HOUR;
  const attr = (key: string, value: object) => ({ key, value });

  test('spans with features (protobuf and JSON) and feedback logs land typed', async () => {
    const ingestor = new Ingestor(engine, loadConfig({ dataDir: dir }, {}), log);
    const spans = Array.from({ length: 120 }, (_, i) => ({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: (0x1000 + i).toString(16).padStart(16, '0'),
      name: 'predict',
      startTimeUnixNano: nanos(at + i * 1000),
      endTimeUnixNano: nanos(at + i * 1000 + 5),
      attributes: [
        attr('gen_ai.operation.name', { stringValue: 'predict' }),
        attr('gen_ai.request.model', { stringValue: 'ingested' }),
        attr('aiobs.model.version', { stringValue: 'v1' }),
        attr('aiobs.prediction.id', { stringValue: `pred-${i}` }),
        attr('aiobs.feature.amount', i % 2 ? { intValue: String(i) } : { doubleValue: i + 0.25 }),
        attr('aiobs.feature.plan', { stringValue: i % 3 ? 'pro' : 'free' }),
        attr('aiobs.prediction.label', { stringValue: i % 4 ? 'ok' : 'fraud' }),
      ],
    }));
    const request = (list: object[]) => ({
      resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: list }] }],
    });
    await ingestor.ingest(
      'traces',
      'protobuf',
      encodeOtlpProtobuf('ExportTraceServiceRequest', request(spans.slice(0, 60))),
      principal,
      new DecodeOutcome(),
    );
    await ingestor.ingest(
      'traces',
      'json',
      Buffer.from(JSON.stringify(request(spans.slice(60)))),
      principal,
      new DecodeOutcome(),
    );
    const feedback = {
      resourceLogs: [
        {
          resource: { attributes: [] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: nanos(at + 200_000),
                  eventName: 'aiobs.feedback',
                  attributes: [
                    attr('aiobs.prediction.id', { stringValue: 'pred-4' }),
                    attr('aiobs.feedback.label', { stringValue: 'fraud' }),
                    attr('aiobs.feedback.correct', { boolValue: true }),
                  ],
                },
                {
                  timeUnixNano: nanos(at + 200_000),
                  eventName: 'other',
                  attributes: [attr('aiobs.prediction.id', { stringValue: 'pred-5' })],
                },
              ],
            },
          ],
        },
      ],
    };
    await ingestor.ingest(
      'logs',
      'json',
      Buffer.from(JSON.stringify(feedback)),
      principal,
      new DecodeOutcome(),
    );
    await ingestor.close();

    const rs = await engine.client.query({
      query: `SELECT feature, kind, is_numeric, count() AS n, sum(num) AS s, groupUniqArray(cat) AS cats
              FROM aiobs_feature_values WHERE project_id = 'ingest-test' AND model = 'ingested' AND version = 'v1'
              GROUP BY feature, kind, is_numeric ORDER BY feature`,
      format: 'JSONEachRow',
    });
    const got = await rs.json<Record<string, unknown>>();
    const amountSum = spans.reduce((a, _, i) => a + (i % 2 ? i : i + 0.25), 0);
    expect(got).toEqual([
      { feature: 'amount', kind: 'feature', is_numeric: 1, n: 120, s: amountSum, cats: [''] },
      {
        feature: 'plan',
        kind: 'feature',
        is_numeric: 0,
        n: 120,
        s: 0,
        cats: expect.arrayContaining(['pro', 'free']),
      },
      {
        feature: 'prediction.label',
        kind: 'prediction',
        is_numeric: 0,
        n: 120,
        s: 0,
        cats: expect.arrayContaining(['ok', 'fraud']),
      },
    ]);

    // Feedback joins its prediction by id at query time.
    const fb = await engine.client.query({
      query: `SELECT f.prediction_id AS id, f.label AS label, f.correct AS correct, v.cat AS predicted
              FROM aiobs_feedback AS f
              INNER JOIN (SELECT prediction_id, cat FROM aiobs_feature_values
                          WHERE project_id = 'ingest-test' AND feature = 'prediction.label') AS v
              ON v.prediction_id = f.prediction_id
              WHERE f.project_id = 'ingest-test'`,
      format: 'JSONEachRow',
    });
    expect(await fb.json()).toEqual([
      { id: 'pred-4', label: 'fraud', correct: 1, predicted: 'fraud' },
    ]);
  });
});

describe('GET /drift', () => {
  let app: Hono<AppEnv>;
  beforeAll(() => {
    app = new Hono<AppEnv>()
      .use('*', trustedProjectScope())
      // The shape app.onError renders: {"error": {"code", "message", "field"}}.
      .onError((err, c) => {
        if (!(err instanceof AppError)) throw err;
        return c.json(
          { error: { code: err.code, message: err.message, field: err.options.field } },
          err.status,
        );
      })
      .route(
        '/drift',
        driftRoutes(
          createDriftRepo(createDb(engine)),
          createBaselinesRepo(engine, createDb(engine)),
        ),
      );
  });
  const iso = (ms: number) => new Date(ms).toISOString();
  const url = (extra = '') =>
    `/drift?model=${MODEL}&from=${iso(CUR.fromMs)}&to=${iso(CUR.toMs)}&version=v2` +
    `&refFrom=${iso(REF.fromMs)}&refTo=${iso(REF.toMs)}&refVersion=v1${extra}`;

  test('features and predictions with statistics and verdicts', async () => {
    const res = await app.request(url());
    expect(res.status).toBe(200);
    const body = (await res.json()) as DriftResponse;
    expect(body.reference).toEqual({ from: iso(REF.fromMs), to: iso(REF.toMs), version: 'v1' });
    expect(body.current.version).toBe('v2');
    expect(body.predictions.map((p) => p.feature)).toEqual(['prediction.score']);
    const by = (f: string) => body.features.find((x) => x.feature === f)!;
    // 2,000 reference values: normed Wasserstein decides.
    expect(by('amount_shift')).toMatchObject({ measure: 'wasserstein', verdict: 'drift' });
    expect(by('amount_shift').score).toBe(by('amount_shift').wassersteinNormed);
    // 800: KS decides; same distribution.
    expect(by('amount_same').measure).toBe('ks');
    expect(by('amount_same').score).toBe(by('amount_same').ksPValue);
    expect(by('amount_same').verdict).toBe(
      by('amount_same').ksPValue! < 0.05
        ? 'drift'
        : by('amount_same').ksPValue! < 0.1
          ? 'moderate'
          : 'no_drift',
    );
    expect(by('device')).toMatchObject({ measure: 'chisquare', verdict: 'drift' });
    expect(by('channel')).toMatchObject({ measure: 'chisquare', verdict: 'drift', score: 0 });
    expect(body.predictions[0]).toMatchObject({ measure: 'ks', verdict: 'drift' });
    // The figures are the repository's (checked against SciPy above).
    for (const f of body.features) {
      const s = stats.find((x) => x.feature === f.feature)!;
      expect(f.psi).toBe(s.psi);
      expect(f.referenceCount).toBe(s.referenceCount);
    }
  });

  test('minSamples: too few values on either side is insufficient_data', async () => {
    const body = (await (await app.request(url('&minSamples=700'))).json()) as DriftResponse;
    const v = Object.fromEntries(body.features.map((f) => [f.feature, f.verdict]));
    // amount_same has 800 reference and 600 current values.
    expect(v.amount_same).toBe('insufficient_data');
    expect(v.amount_shift).toBe('drift');
    expect(body.features.find((f) => f.feature === 'amount_same')!.measure).toBeNull();
  });

  test('method=psi judges by PSI', async () => {
    const body = (await (await app.request(url('&method=psi'))).json()) as DriftResponse;
    for (const f of body.features) expect(f.measure).toBe('psi');
  });

  test.each([
    ['/drift?refFrom=0&refTo=1', 'model'],
    [`/drift?model=${MODEL}&refTo=1`, 'refFrom'],
    [`/drift?model=${MODEL}&refFrom=5&refTo=1`, 'refFrom'],
    [`/drift?model=${MODEL}&refFrom=0&refTo=1&refVersion=${'v'.repeat(300)}`, 'refVersion'],
    [`/drift?model=${MODEL}&refFrom=0&refTo=1&method=mmd`, 'method'],
    [`/drift?model=${MODEL}&refFrom=0&refTo=1&minSamples=0`, 'minSamples'],
    [`/drift?model=${MODEL}&refFrom=yesterday&refTo=1`, 'refFrom'],
  ])('%s: 400 naming %s', async (path, field) => {
    const res = await app.request(path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string } };
    expect(body.error.field).toBe(field);
  });
});

describe('baselines', () => {
  let app: Hono<AppEnv>;
  beforeAll(() => {
    const db = createDb(engine);
    app = new Hono<AppEnv>()
      .use('*', trustedProjectScope())
      .onError((err, c) => {
        if (!(err instanceof AppError)) throw err;
        return c.json(
          { error: { code: err.code, message: err.message, field: err.options.field } },
          err.status,
        );
      })
      .route('/drift', driftRoutes(createDriftRepo(db), createBaselinesRepo(engine, db)));
  });
  const post = (body: unknown) =>
    app.request('/drift/baselines', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const iso = (ms: number) => new Date(ms).toISOString();

  test('a version baseline copies its values and answers drift like the same rows by time', async () => {
    const res = await post({ name: 'v1 reference', model: MODEL, version: 'v1' });
    expect(res.status).toBe(201);
    const b = (await res.json()) as {
      id: string;
      source: string;
      features: { feature: string; count: number; type: string }[];
    };
    expect(b.source).toBe('version');
    // Only v1 rows: exactly the reference samples (the v2 rows in that window do not count).
    expect(b.features.map((f) => [f.feature, f.count]).sort()).toEqual(
      SAMPLES.map((s) => [s.feature, s.ref.length]).sort(),
    );
    const listed = (await (await app.request('/drift/baselines')).json()) as {
      baselines: { id: string }[];
    };
    expect(listed.baselines.map((x) => x.id)).toContain(b.id);

    const res2 = await app.request(
      `/drift?baseline=${b.id}&from=${iso(CUR.fromMs)}&to=${iso(CUR.toMs)}&version=v2`,
    );
    expect(res2.status).toBe(200);
    const body = (await res2.json()) as DriftResponse;
    expect(body.reference).toEqual({ baseline: b.id, name: 'v1 reference' });
    expect(body.model).toBe(MODEL);
    // Same rows as the time-range reference above: the same (SciPy-checked) figures.
    for (const f of [...body.features, ...body.predictions]) {
      const s = stats.find((x) => x.feature === f.feature)!;
      expect(f.referenceCount).toBe(s.referenceCount);
      for (const k of [
        'psi',
        'jensenShannon',
        'ksPValue',
        'wassersteinNormed',
        'chiSquarePValue',
      ] as const)
        if (s[k] === null) expect(f[k]).toBeNull();
        else expect(Math.abs(f[k]! - s[k]!), `${f.feature} ${k}`).toBeLessThan(1e-12);
    }

    // Deleted: gone from the list, its values removed, and drift refuses it.
    expect((await app.request(`/drift/baselines/${b.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await app.request(`/drift/baselines/${b.id}`)).status).toBe(404);
    expect((await app.request(`/drift/baselines/${b.id}`, { method: 'DELETE' })).status).toBe(404);
    const gone = await app.request(`/drift?baseline=${b.id}`);
    expect(gone.status).toBe(400);
    expect(((await gone.json()) as { error: { field: string } }).error.field).toBe('baseline');
    const rs = await engine.client.query({
      query: `SELECT count() AS n FROM aiobs_baseline_values WHERE baseline_id = {id:String}`,
      query_params: { id: b.id },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: 0 }]);
  });

  test('a time-range baseline', async () => {
    const res = await post({ name: 'window', model: MODEL, from: REF.fromMs, to: iso(REF.toMs) });
    expect(res.status).toBe(201);
    const b = (await res.json()) as { features: { feature: string; count: number }[] };
    // The window holds the v1 reference rows and 50 v2 rows per feature.
    expect(b.features.map((f) => [f.feature, f.count]).sort()).toEqual(
      SAMPLES.map((s) => [s.feature, s.ref.length + 50]).sort(),
    );
  });

  test('beyond the cap a baseline keeps a uniform sample of each feature', async () => {
    const db = createDb(engine);
    const small = new Hono<AppEnv>()
      .use('*', trustedProjectScope())
      .route('/drift', driftRoutes(createDriftRepo(db), createBaselinesRepo(engine, db, 200)));
    const res = await small.request('/drift/baselines', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'capped', model: MODEL, version: 'v1' }),
    });
    expect(res.status).toBe(201);
    const b = (await res.json()) as {
      id: string;
      cap: number;
      features: { feature: string; count: number }[];
    };
    expect(b.cap).toBe(200);
    expect(b.features.map((f) => [f.feature, f.count]).sort()).toEqual(
      SAMPLES.map((s) => [s.feature, Math.min(200, s.ref.length)]).sort(),
    );
    // 200 of amount_shift's 2,000 values (mean 50, sd 10), not the first or largest 200:
    // their mean is within 3 standard errors (3 * 10 / sqrt(200) ~ 2.1) of 50.
    const rs = await engine.client.query({
      query: `SELECT avg(num) AS m, min(num) AS lo, max(num) AS hi FROM aiobs_baseline_values
              WHERE baseline_id = {id:String} AND feature = 'amount_shift'`,
      query_params: { id: b.id },
      format: 'JSONEachRow',
    });
    const [m] = await rs.json<{ m: number; lo: number; hi: number }>();
    expect(Math.abs(m!.m - 50)).toBeLessThan(2.2);
    expect(m!.lo).toBeLessThan(35);
    expect(m!.hi).toBeGreaterThan(65);
  });

  test.each([
    [{ name: 'x', model: MODEL }, 'from'],
    [{ name: 'x', model: MODEL, version: 'v1', from: 0, to: 1 }, 'version'],
    [{ name: 'x', model: MODEL, from: 0 }, 'to'],
    [{ name: 'x', model: MODEL, from: 5, to: 1 }, 'from'],
    [{ name: '', model: MODEL, version: 'v1' }, 'name'],
    [{ name: 'x', version: 'v1' }, 'model'],
    [{ name: 'x', model: MODEL, version: 'v1', extra: 1 }, undefined],
    [{ name: 'x', model: MODEL, version: 'nope' }, 'version'],
    ['not json', undefined],
  ])('%j: 400 (field %s)', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const err = ((await res.json()) as { error: { field?: string } }).error;
    expect(err.field).toBe(field);
  });
});
