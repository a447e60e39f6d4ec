import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DriftHistogramResponse, DriftResponse, DriftSeriesResponse } from '../api/types.js';
import { loadConfig } from '../config.js';
import type { AppError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { createDb, type Db } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { trustedProjectScope } from '../testing/project-scope.js';
import { normal, rng } from './__fixtures__/scipy.js';
import { type BaselinesRepo, createBaselinesRepo } from './baselines-repo.js';
import { createDriftJob, dueWindows } from './job.js';
import { createDriftRepo } from './repo.js';
import { engineTime } from './results.js';
import { createDriftResultsRepo } from './results-repo.js';
import { driftRoutes } from './routes.js';
import { judge } from './verdict.js';

// The scheduled job against the real engine: stored rows equal what GET /api/v1/drift
// computes for the same window, per version, and a second run writes nothing.

const log = pino({ level: 'silent' });
const MIN = 60_000;
const INTERVAL = 10 * MIN;
// Whole intervals, well in the past: the reference window, then three current windows.
const T0 = Math.floor((Date.now() - 6 * 3_600_000) / INTERVAL) * INTERVAL;
const MODEL = 'churn';

let dir: string;
let engine: Engine;
let db: Db;
let baselines: BaselinesRepo;

function rows(values: Array<number | string>, feature: string, startMs: number, version: string) {
  return values.map((v, i) => ({
    project_id: 'default',
    model: MODEL,
    version,
    variant: '',
    kind: 'feature',
    feature,
    time: engineTime(startMs + ((i * 7919) % (INTERVAL - 1))),
    prediction_id: `${feature}-${startMs}-${version}-${i}`,
    is_numeric: typeof v === 'number' ? 1 : 0,
    num: typeof v === 'number' ? v : 0,
    cat: typeof v === 'string' ? v : '',
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-drift-job-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  baselines = createBaselinesRepo(engine, db);
  const rand = rng(7);
  const all: object[] = [
    ...rows(normal(rand, 600), 'x', T0, 'v1'),
    ...rows(normal(rand, 400), 'x', T0 + INTERVAL, 'v1'),
    // v2 in the same window, shifted by one standard deviation.
    ...rows(normal(rand, 300, 1), 'x', T0 + INTERVAL, 'v2'),
    // Too few values: insufficient data in the stored verdict.
    ...rows(normal(rand, 50), 'x', T0 + 2 * INTERVAL, 'v1'),
  ];
  await engine.client.insert({ table: 'aiobs_feature_values', values: all, format: 'JSONEachRow' });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dueWindows', () => {
  test('whole intervals that closed at least settleMs ago, oldest first', () => {
    expect(dueWindows(25 * MIN + 5_000, 10 * MIN, 10_000, 2)).toEqual([
      { fromMs: 0, toMs: 10 * MIN },
      { fromMs: 10 * MIN, toMs: 20 * MIN },
    ]);
    // 20:05 is within the settle time of the window ending at 20:00: not yet due.
    expect(dueWindows(20 * MIN + 5_000, 10 * MIN, 10_000, 1)).toEqual([
      { fromMs: 0, toMs: 10 * MIN },
    ]);
  });
});

describe('the drift job stores results against the default baseline', () => {
  test('nothing is computed while the model has no default baseline', async () => {
    const results = createDriftResultsRepo(engine, db);
    const job = createDriftJob(
      { drift: createDriftRepo(db), baselines, results, log },
      { intervalMs: INTERVAL, minSamples: 100, settleMs: 0, catchUpWindows: 3 },
    );
    expect(await job.runOnce(T0 + 4 * INTERVAL)).toBe(0);
  });

  test('per version and window, equal to the on-demand figures; idempotent', async () => {
    const { baseline } = await baselines.create(
      'default',
      'ref',
      MODEL,
      { source: 'range', fromMs: T0, toMs: T0 + INTERVAL },
      { isDefault: true },
    );
    // A second default for the same model replaces the first as the model's default.
    const { baseline: other } = await baselines.create(
      'default',
      'ref2',
      MODEL,
      { source: 'range', fromMs: T0, toMs: T0 + INTERVAL },
      { isDefault: true },
    );
    expect((await baselines.get('default', baseline.id))?.isDefault).toBe(false);
    await baselines.update('default', baseline.id, { isDefault: true });
    expect((await baselines.get('default', other.id))?.isDefault).toBe(false);
    expect((await baselines.defaults()).map((b) => b.id)).toEqual([baseline.id]);
    // What a model is judged against when no baseline is named: its default, though newer
    // baselines exist; none for a model without one.
    expect((await baselines.ofModel('default', MODEL))?.id).toBe(baseline.id);
    expect(await baselines.ofModel('default', 'no-such-model')).toBeUndefined();

    const drift = createDriftRepo(db);
    const results = createDriftResultsRepo(engine, db);
    const job = createDriftJob(
      { drift, baselines, results, log },
      { intervalMs: INTERVAL, minSamples: 100, settleMs: 0, catchUpWindows: 3 },
    );
    const written = await job.runOnce(T0 + 4 * INTERVAL);
    expect(written).toBeGreaterThan(0);
    expect(await job.runOnce(T0 + 4 * INTERVAL)).toBe(0);

    const stored = await db.rows<{
      version: string;
      window_start: string;
      measure: string;
      score: number | null;
      p_value: number | null;
      verdict: string;
      reference_n: string;
      current_n: string;
    }>(
      `SELECT version, toString(window_start) AS window_start, measure, score, p_value, verdict,
              reference_n, current_n
       FROM aiobs_drift_results FINAL WHERE model = {model:String} AND feature = 'x'
       ORDER BY window_start, version, measure`,
      { model: MODEL },
    );
    // The three windows before T0 + 4 intervals: 1 (v1, v2), 2 (v1) and 3 (no rows).
    const windows = [...new Set(stored.map((r) => `${r.window_start} ${r.version}`))];
    expect(windows).toEqual([
      `${engineTime(T0 + INTERVAL)} v1`,
      `${engineTime(T0 + INTERVAL)} v2`,
      `${engineTime(T0 + 2 * INTERVAL)} v1`,
    ]);
    for (const [i, version] of [
      [1, 'v1'],
      [1, 'v2'],
    ] as const) {
      const fromMs = T0 + i * INTERVAL;
      const [s] = await drift.featureStats({
        project: 'default',
        model: MODEL,
        reference: { baselineId: baseline.id },
        current: { fromMs, toMs: fromMs + INTERVAL, version, variant: '' },
      });
      const of = (m: string) =>
        stored.find(
          (r) => r.window_start === engineTime(fromMs) && r.version === version && r.measure === m,
        )!;
      const want = judge(s!, 'auto', 100);
      expect(of('auto').verdict).toBe(want.verdict);
      expect(of('auto').score).toBeCloseTo(want.score!, 12);
      expect(of('ks').score).toBeCloseTo(s!.ksStatistic!, 12);
      expect(of('ks').p_value).toBeCloseTo(s!.ksPValue!, 12);
      expect(of('psi').score).toBeCloseTo(s!.psi!, 12);
      expect(of('wasserstein').score).toBeCloseTo(s!.wassersteinNormed!, 12);
      expect(Number(of('auto').current_n)).toBe(s!.currentCount);
      expect(Number(of('auto').reference_n)).toBe(600);
    }
    const verdict = (w: number, v: string) =>
      stored.find(
        (r) =>
          r.window_start === engineTime(T0 + w * INTERVAL) &&
          r.version === v &&
          r.measure === 'auto',
      )?.verdict;
    // Same distribution: not drift (p = 0.05–0.1 with this seed, so moderate).
    expect(verdict(1, 'v1')).toBe('moderate');
    expect(verdict(1, 'v2')).toBe('drift');
    expect(verdict(2, 'v1')).toBe('insufficient_data');
  });
});

describe('GET /drift/series and /drift/histogram', () => {
  const app = () =>
    new Hono<AppEnv>()
      .use('*', trustedProjectScope())
      .route(
        '/drift',
        driftRoutes(createDriftRepo(db), baselines, createDriftResultsRepo(engine, db)),
      );
  const range = `from=${T0 + INTERVAL}&to=${T0 + 4 * INTERVAL}`;

  test('from stored results when the job wrote them (the default baseline)', async () => {
    const res = await app().request(`/drift/series?model=${MODEL}&${range}&feature=x`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as DriftSeriesResponse;
    expect(body.source).toBe('stored');
    expect(body.stepMs).toBe(INTERVAL);
    expect(body.series.map((s) => [s.feature, s.version, s.points.length])).toEqual([
      ['x', 'v1', 2],
      ['x', 'v2', 1],
    ]);
    const v2 = body.series.find((s) => s.version === 'v2')!.points[0]!;
    expect(v2).toMatchObject({ verdict: 'drift', referenceCount: 600, currentCount: 300 });
    expect(v2.from).toBe(new Date(T0 + INTERVAL).toISOString());
    const v1 = body.series.find((s) => s.version === 'v1')!.points;
    expect(v1.map((p) => p.verdict)).toEqual(['moderate', 'insufficient_data']);
    // One measure's scores: KS statistic with its p-value.
    const ks = (await (
      await app().request(`/drift/series?model=${MODEL}&${range}&measure=ks&version=v2`)
    ).json()) as DriftSeriesResponse;
    expect(ks.series).toHaveLength(1);
    expect(ks.series[0]!.points[0]!.pValue).toBeLessThan(1e-6);
  });

  test('computed per window when nothing is stored, equal to GET /drift per window', async () => {
    const other = (await baselines.list('default')).find((b) => b.name === 'ref2')!;
    const res = await app().request(
      `/drift/series?baseline=${other.id}&${range}&step=10m&version=v2`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as DriftSeriesResponse;
    expect(body.source).toBe('computed');
    expect(body.series).toHaveLength(1);
    const points = body.series[0]!.points;
    expect(points.map((p) => p.currentCount)).toEqual([300, 0, 0]);
    const once = (await (
      await app().request(
        `/drift?baseline=${other.id}&from=${T0 + INTERVAL}&to=${T0 + 2 * INTERVAL}&version=v2`,
      )
    ).json()) as DriftResponse;
    expect(points[0]!.score).toBe(once.features[0]!.score);
    expect(points[0]!.verdict).toBe(once.features[0]!.verdict);
    expect(points[1]!.verdict).toBe('insufficient_data');
  });

  test('source=stored: the stored results, else none (never computed)', async () => {
    const stored = (await (
      await app().request(`/drift/series?model=${MODEL}&${range}&feature=x&source=stored`)
    ).json()) as DriftSeriesResponse;
    expect(stored.source).toBe('stored');
    expect(stored.series.map((s) => s.points.length)).toEqual([2, 1]);
    const other = (await baselines.list('default')).find((b) => b.name === 'ref2')!;
    const res = await app().request(
      `/drift/series?baseline=${other.id}&${range}&step=10m&source=stored`,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ source: 'stored', stepMs: 0, series: [] });
  });

  test('bad input names the field', async () => {
    for (const [path, field] of [
      [`/drift/series?${range}`, 'model'],
      [`/drift/series?model=nope&${range}`, 'baseline'],
      [`/drift/series?model=${MODEL}&${range}&measure=mmd`, 'measure'],
      [`/drift/series?model=${MODEL}&${range}&source=computed`, 'source'],
      [`/drift/series?model=${MODEL}&from=0&to=${T0}&step=1m`, 'step'],
      [`/drift/histogram?model=${MODEL}&${range}`, 'feature'],
      [`/drift/histogram?model=${MODEL}&${range}&feature=nope`, 'feature'],
      [`/drift/histogram?model=${MODEL}&${range}&feature=x&kind=label`, 'kind'],
    ] as const) {
      const res = await app()
        .onError((err, c) =>
          c.json({ error: { field: (err as AppError).options.field } }, (err as AppError).status),
        )
        .request(path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field, path).toBe(field);
    }
  });

  test('histogram: the reference deciles and both sides as shares', async () => {
    const res = await app().request(
      `/drift/histogram?model=${MODEL}&from=${T0 + INTERVAL}&to=${T0 + 2 * INTERVAL}&feature=x&version=v2`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as DriftHistogramResponse;
    expect(body).toMatchObject({ type: 'numeric', referenceCount: 600, currentCount: 300 });
    expect(body.bins).toHaveLength(10);
    expect(body.bins[0]!.lower).toBeNull();
    expect(body.bins[9]!.upper).toBeNull();
    for (let i = 1; i < 10; i++) expect(body.bins[i]!.lower).toBe(body.bins[i - 1]!.upper);
    const sum = (k: 'reference' | 'current') => body.bins.reduce((a, b) => a + b[k], 0);
    expect(sum('reference')).toBeCloseTo(1, 12);
    expect(sum('current')).toBeCloseTo(1, 12);
    // Deciles: a tenth of the reference in each bin.
    for (const b of body.bins) expect(b.referenceCount).toBe(60);
    // Shifted by one standard deviation: the top bin holds far more than a tenth.
    expect(body.bins[9]!.current).toBeGreaterThan(0.3);
  });

  // Last: it stores results for the second baseline. With the model named, the stored rows
  // are read beside the baseline lookup, for every baseline of the model when none is named,
  // and only the chosen baseline's are answered.
  test("stored results of another baseline of the model stay out of the default's series", async () => {
    const ask = async (path: string) =>
      (await (await app().request(path)).json()) as DriftSeriesResponse;
    const before = await ask(`/drift/series?model=${MODEL}&${range}&source=stored`);
    expect(before.series.length).toBeGreaterThan(0);
    const other = (await baselines.list('default')).find((b) => b.name === 'ref2')!;
    const def = (await baselines.defaults()).find((b) => b.model === MODEL)!;
    const copies = await db.rows<Record<string, unknown>>(
      'SELECT * FROM aiobs_drift_results WHERE baseline_id = {def:String}',
      { def: def.id },
    );
    expect(copies.length).toBeGreaterThan(0);
    await engine.client.insert({
      table: 'aiobs_drift_results',
      values: copies.map((r) => ({ ...r, baseline_id: other.id, score: 0.5, verdict: 'drift' })),
      format: 'JSONEachRow',
    });
    expect(await ask(`/drift/series?model=${MODEL}&${range}&source=stored`)).toEqual(before);
    const theirs = await ask(
      `/drift/series?model=${MODEL}&baseline=${other.id}&${range}&source=stored`,
    );
    expect(theirs.baseline).toBe(other.id);
    expect(theirs.series.map((x) => [x.kind, x.feature, x.version, x.points.length])).toEqual(
      before.series.map((x) => [x.kind, x.feature, x.version, x.points.length]),
    );
    for (const x of theirs.series) for (const p of x.points) expect(p.score).toBe(0.5);
    // Named without the model: the same answer through the lookup first.
    expect(await ask(`/drift/series?baseline=${other.id}&${range}&source=stored`)).toEqual(theirs);
  });
});
