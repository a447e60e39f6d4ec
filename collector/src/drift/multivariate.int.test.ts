import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DriftRankingResponse, DriftResponse, DriftSeriesResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { createQualityWindowsRepo } from '../models/quality-windows-repo.js';
import { createDb } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { gauss, rng } from '../testing/stats-reference.js';
import { correlatedPairs } from './__fixtures__/multivariate.js';
import { createBaselinesRepo } from './baselines-repo.js';
import { createDriftJob } from './job.js';
import { createDriftRepo } from './repo.js';
import { engineTime } from './results.js';
import { createDriftResultsRepo } from './results-repo.js';
import { driftRoutes } from './routes.js';

// The multivariate score and the ranking through GET /drift and GET /drift/ranking on the
// embedded engine: feature rows as ingest writes them (one row per feature of an
// inference, sharing its prediction id and time), drift results as the job stores them,
// inference rows and feedback as the collector's views write them.

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 12 * HOUR) / HOUR) * HOUR;
const REF = { fromMs: T0, toMs: T0 + HOUR };
const CUR = { fromMs: T0 + 2 * HOUR, toMs: T0 + 3 * HOUR };
const SAME = { fromMs: T0 + 3 * HOUR, toMs: T0 + 4 * HOUR };
const FLIP = 'corr-flip';
const RANKED = 'ranked';
const rand = rng(2026);
const g = () => gauss(rand);

let dir: string;
let engine: Engine;
let app: Hono<AppEnv>;

/**
 * Feature rows of inferences with features x, y and a categorical `plan`; every third
 * inference has no prediction id (its rows are joined by the span's time, version and
 * variant instead).
 */
function inferences(
  pairs: Array<[number, number]>,
  plans: string[],
  startMs: number,
  version: string,
) {
  const rows: object[] = [];
  for (const [i, [x, y]] of pairs.entries()) {
    const shared = {
      project_id: 'default',
      model: FLIP,
      version,
      variant: '',
      kind: 'feature',
      time: engineTime(startMs + i * 1000),
      prediction_id: i % 3 === 0 ? '' : `${version}-${i}`,
    };
    rows.push(
      { ...shared, feature: 'x', is_numeric: 1, num: x, cat: '' },
      { ...shared, feature: 'y', is_numeric: 1, num: y, cat: '' },
      { ...shared, feature: 'plan', is_numeric: 0, num: 0, cat: plans[i]! },
    );
  }
  return rows;
}

/**
 * The reference's own values re-paired: x as it was, y the reference's y values in the rank
 * order of a variable correlated −0.9 with x, plans shuffled. Each feature's values are
 * exactly the reference's (the per-feature statistics are 0); only the joint changed.
 */
function flipped(pairs: Array<[number, number]>): Array<[number, number]> {
  const target = pairs.map(([x]) => -0.9 * x + Math.sqrt(1 - 0.81) * g());
  const ys = pairs.map(([, y]) => y).sort((a, b) => a - b);
  const order = target.map((_, i) => i).sort((a, b) => target[a]! - target[b]!);
  const out = pairs.map(([x]) => [x, 0] as [number, number]);
  for (const [rank, i] of order.entries()) out[i]![1] = ys[rank]!;
  return out;
}

const REF_PAIRS = correlatedPairs(g, 3000, 0.9);
const REF_PLANS = REF_PAIRS.map(() => (rand() < 0.3 ? 'pro' : 'free'));
const shuffled = <T>(xs: T[]) =>
  xs
    .map((x) => [rand(), x] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, x]) => x);

// Ranking data: 12 windows of 10 minutes. Feature `a`'s drift tracks the error rate,
// `c`'s goes against it, `b`'s tracks the fall in accuracy (from feedback).
const WINDOW = 600_000;
const RANK_T0 = T0 + 6 * HOUR;
const ERRORS = [0.02, 0.05, 0.03, 0.1, 0.08, 0.2, 0.15, 0.04, 0.3, 0.12, 0.01, 0.25];
const WRONG = [0.1, 0.4, 0.05, 0.2, 0.3, 0.15, 0.5, 0.25, 0.35, 0.0, 0.45, 0.12];
const PER_WINDOW = 200;

function rankingRows(baselineId: string) {
  const results: object[] = [];
  const calls: object[] = [];
  const feedback: object[] = [];
  for (let w = 0; w < ERRORS.length; w++) {
    const from = RANK_T0 + w * WINDOW;
    const scores = { a: ERRORS[w]! * 2 + 0.01 * rand(), b: WRONG[w]! / 3, c: 0.4 - ERRORS[w]! };
    for (const [feature, score] of Object.entries(scores))
      results.push({
        project_id: 'default',
        model: RANKED,
        version: 'v1',
        variant: '',
        kind: 'feature',
        feature,
        window_start: engineTime(from),
        window_end: engineTime(from + WINDOW),
        measure: 'js',
        score,
        p_value: null,
        verdict: score >= 0.1 ? 'drift' : 'no_drift',
        reference_n: 5000,
        current_n: PER_WINDOW,
        baseline_id: baselineId,
        computed_at: engineTime(Date.now()),
      });
    for (let i = 0; i < PER_WINDOW; i++) {
      const time = from + i * 1000;
      const id = `r-${w}-${i}`;
      calls.push({
        project_id: 'default',
        time: engineTime(time),
        model: RANKED,
        version: 'v1',
        operation: 'predict',
        duration_ms: 5,
        is_error: i < Math.round(PER_WINDOW * ERRORS[w]!) ? 1 : 0,
        prediction_id: id,
      });
      // Half the predictions get feedback; the first WRONG share of those was wrong.
      if (i % 2 === 0)
        feedback.push({
          project_id: 'default',
          time: engineTime(time + 60_000),
          prediction_id: id,
          correct: i / 2 < Math.round((PER_WINDOW / 2) * WRONG[w]!) ? 0 : 1,
        });
    }
  }
  return { results, calls, feedback };
}

let rankBaseline: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-drift-mv-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  await engine.client.insert({
    table: 'aiobs_feature_values',
    values: [
      ...inferences(REF_PAIRS, REF_PLANS, REF.fromMs, 'v1'),
      ...inferences(flipped(REF_PAIRS), shuffled(REF_PLANS), CUR.fromMs, 'v2'),
      // A fresh sample of the reference's joint distribution.
      ...inferences(correlatedPairs(g, 2000, 0.9), REF_PLANS.slice(0, 2000), SAME.fromMs, 'v3'),
    ],
    format: 'JSONEachRow',
  });
  const db = createDb(engine);
  app = new Hono<AppEnv>()
    // Module test without authentication: the project is the query's, as projectScope sets it.
    .use('*', async (c, next) => {
      c.set('project', c.req.query('project') ?? 'default');
      await next();
    })
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
        createDriftRepo(db),
        createBaselinesRepo(engine, db),
        createDriftResultsRepo(engine, db),
        createQualityWindowsRepo(db),
      ),
    );
  const b = await post({ name: 'ranked', model: RANKED, sample: [{ a: 1, b: 2, c: 3 }] });
  rankBaseline = ((await b.json()) as { id: string }).id;
  const r = rankingRows(rankBaseline);
  await engine.client.insert({
    table: 'aiobs_drift_results',
    values: r.results,
    format: 'JSONEachRow',
  });
  await engine.client.insert({ table: 'aiobs_inferences', values: r.calls, format: 'JSONEachRow' });
  await engine.client.insert({
    table: 'aiobs_feedback',
    values: r.feedback,
    format: 'JSONEachRow',
  });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const iso = (ms: number) => new Date(ms).toISOString();
const post = (body: unknown) =>
  app.request('/drift/baselines', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
async function drift(query: string): Promise<DriftResponse> {
  const res = await app.request(`/drift?model=${FLIP}&${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as DriftResponse;
}
const current = (w: { fromMs: number; toMs: number }, version: string) =>
  `from=${iso(w.fromMs)}&to=${iso(w.toMs)}&version=${version}`;
const reference = `refFrom=${iso(REF.fromMs)}&refTo=${iso(REF.toMs)}&refVersion=v1`;

describe('multivariate drift in GET /drift', () => {
  test('a correlation that flips is multivariate drift; no feature drifted alone', async () => {
    const body = await drift(`${current(CUR, 'v2')}&${reference}`);
    for (const f of body.features) {
      expect(f.verdict, f.feature).toBe('no_drift');
      expect(f.ksStatistic ?? f.jensenShannon, f.feature).toBeLessThan(1e-12);
    }
    expect(body.multivariate).toMatchObject({
      method: 'pca_reconstruction',
      verdict: 'drift',
      drifted: true,
      referenceRows: 3000,
      currentRows: 3000,
    });
    expect([...body.multivariate.features].sort()).toEqual(['plan', 'x', 'y']);
    expect(body.multivariate.score!).toBeGreaterThan(body.multivariate.threshold!);
  });

  test('the same joint distribution is not', async () => {
    const body = await drift(`${current(SAME, 'v3')}&${reference}`);
    expect(body.multivariate).toMatchObject({ verdict: 'no_drift', drifted: false });
    expect(body.multivariate.score!).toBeLessThan(body.multivariate.threshold!);
  });

  test('a version baseline reads its joint reference from the source rows', async () => {
    const res = await post({ name: 'v1', model: FLIP, version: 'v1' });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const body = await drift(`baseline=${id}&${current(CUR, 'v2')}`);
    expect(body.multivariate).toMatchObject({ verdict: 'drift', referenceRows: 3000 });
  });

  test('an uploaded sample has no joint rows: insufficient data, with the reason', async () => {
    const sample = correlatedPairs(g, 300, 0.9).map(([x, y]) => ({ x, y }));
    const res = await post({ name: 'upload', model: FLIP, sample });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const body = await drift(`baseline=${id}&${current(CUR, 'v2')}`);
    expect(body.multivariate).toMatchObject({ verdict: 'insufficient_data', score: null });
    expect(body.multivariate.reason).toMatch(/uploaded baseline/);
  });

  test('a sample is bounded per side', async () => {
    const { jointRows } = createDriftRepo(createDb(engine));
    const rows = await jointRows(
      { project: 'default', model: FLIP, reference: { ...REF, version: 'v1' }, current: CUR },
      1000,
    );
    const bySide = [0, 1].map((s) => rows.filter((r) => Number(r.side) === s));
    expect(bySide.map((r) => r.length)).toEqual([1000, 1000]);
    // Each row is one inference: its three features together.
    for (const r of rows) expect([...r.features].sort()).toEqual(['plan', 'x', 'y']);
  });
});

describe('stored and computed multivariate series', () => {
  test('the job stores a multivariate row per window and version; the series reads it', async () => {
    const res = await post({ name: 'default v1', model: FLIP, version: 'v1', default: true });
    expect(res.status).toBe(201);
    const db = createDb(engine);
    const job = createDriftJob(
      {
        drift: createDriftRepo(db),
        baselines: createBaselinesRepo(engine, db),
        results: createDriftResultsRepo(engine, db),
        log,
      },
      { intervalMs: HOUR, minSamples: 100, settleMs: 0, catchUpWindows: 2 },
    );
    expect(await job.runOnce(SAME.toMs)).toBeGreaterThan(0);
    const series = await app.request(
      `/drift/series?model=${FLIP}&measure=multivariate&from=${iso(CUR.fromMs)}&to=${iso(SAME.toMs)}`,
    );
    expect(series.status).toBe(200);
    const body = (await series.json()) as DriftSeriesResponse;
    expect(body.source).toBe('stored');
    expect(body.series.map((s) => [s.feature, s.version, s.points.map((p) => p.verdict)])).toEqual([
      ['', 'v2', ['drift']],
      ['', 'v3', ['no_drift']],
    ]);
    expect(body.series[0]!.points[0]).toMatchObject({ referenceCount: 3000, currentCount: 3000 });
  });

  test('without stored results the series computes each window', async () => {
    const res = await post({ name: 'range', model: FLIP, from: REF.fromMs, to: REF.toMs });
    const { id } = (await res.json()) as { id: string };
    const series = await app.request(
      `/drift/series?baseline=${id}&measure=multivariate&from=${iso(CUR.fromMs)}&to=${iso(SAME.toMs)}&step=1h`,
    );
    const body = (await series.json()) as DriftSeriesResponse;
    expect(body.source).toBe('computed');
    // Every version together: the flipped hour drifted, the hour like the reference did not.
    expect(body.series[0]!.points.map((p) => p.verdict)).toEqual(['drift', 'no_drift']);
  });
});

describe('GET /drift/ranking', () => {
  const range = `from=${iso(RANK_T0)}&to=${iso(RANK_T0 + ERRORS.length * WINDOW)}`;
  const rank = async (extra: string) => {
    const res = await app.request(
      `/drift/ranking?model=${RANKED}&baseline=${rankBaseline}&${range}${extra}`,
    );
    expect(res.status).toBe(200);
    return (await res.json()) as DriftRankingResponse;
  };

  test('against the error rate, the feature whose drift tracks it comes first', async () => {
    const body = await rank('&against=error_rate');
    expect(body).toMatchObject({ measure: 'js', against: 'error_rate', stepMs: WINDOW });
    expect(body.ranking.map((r) => r.feature)).toEqual(['a', 'b', 'c']);
    expect(body.ranking[0]!.windows).toBe(12);
    expect(body.ranking[0]!.spearman!).toBeGreaterThan(0.95);
    expect(body.ranking[2]!.spearman!).toBe(-1);
  });

  test('with feedback, accuracy is the default and the feature tracking its fall comes first', async () => {
    const body = await rank('');
    expect(body.against).toBe('accuracy');
    expect(body.ranking[0]).toMatchObject({ feature: 'b', spearman: -1, windows: 12 });
  });

  test('a coarser step pairs whole groups of windows', async () => {
    const body = await rank('&against=error_rate&step=20m');
    expect(body.stepMs).toBe(2 * WINDOW);
    expect(body.ranking[0]).toMatchObject({ feature: 'a', windows: 6 });
  });

  test('no stored results: an empty ranking', async () => {
    const body = await rank('&version=nope');
    expect(body.ranking).toEqual([]);
  });

  test.each([
    ['&measure=auto', 'measure'],
    ['&against=latency', 'against'],
    ['&step=7m', 'step'],
    ['&labelDelay=soon', 'labelDelay'],
  ])('%s: 400 naming %s', async (extra, field) => {
    const res = await app.request(
      `/drift/ranking?model=${RANKED}&baseline=${rankBaseline}&${range}${extra}`,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
  });
});
